import { describe, expect, it } from 'vitest';
import { decodeWith } from '../../../shared/decoders/index.js';
import { text } from './fixtures.js';

const RS = '\u001e';
const decode = (dir: 'c2s' | 's2c', ...records: unknown[]) =>
  decodeWith('signalr', text(dir, records.map((r) => JSON.stringify(r) + RS).join('')));

describe('SignalR JSON hub protocol decoder', () => {
  it('reads the handshake and its answer, paired; a handshake error is a problem', () => {
    expect(decode('c2s', { protocol: 'json', version: 1 })).toMatchObject({
      kind: 'Handshake',
      event: 'json v1',
      links: [{ role: 'request', key: 'handshake' }],
    });
    expect(decode('s2c', {})).toMatchObject({ kind: 'HandshakeResponse', links: [{ role: 'response' }] });
    expect(decode('s2c', { error: 'Requested protocol messagepack is not available' }).problem?.kind).toBe(
      'signalr-handshake-error',
    );
  });

  it('reads invocation, stream item, completion, stream invocation, cancel, ping and close', () => {
    const invocation = decode('c2s', {
      type: 1,
      invocationId: '0',
      target: 'SendMessage',
      arguments: ['a', 'b'],
    });
    expect(invocation).toMatchObject({
      kind: 'Invocation',
      id: '0',
      event: 'SendMessage',
      links: [{ role: 'request', key: 'inv:0' }],
    });
    expect(decode('s2c', { type: 1, target: 'ReceiveMessage', arguments: [1] })).toMatchObject({
      kind: 'Invocation',
      event: 'ReceiveMessage',
    });
    expect(decode('s2c', { type: 2, invocationId: '1', item: 5 }).links?.[0]).toMatchObject({
      role: 'response',
      key: 'inv:1',
    });
    expect(decode('s2c', { type: 3, invocationId: '0', result: 42 })).toMatchObject({
      kind: 'Completion',
      id: '0',
    });
    expect(decode('c2s', { type: 4, invocationId: '1', target: 'Counter', arguments: [10] }).kind).toBe(
      'StreamInvocation',
    );
    expect(decode('c2s', { type: 5, invocationId: '1' }).kind).toBe('CancelInvocation');
    expect(decode('s2c', { type: 6 })).toMatchObject({ kind: 'Ping', links: [{ role: 'ping' }] });
    expect(decode('s2c', { type: 7 }).problem).toBeUndefined();
    expect(
      decode('s2c', { type: 7, error: 'Connection closed with an error.', allowReconnect: true }).problem,
    ).toEqual({
      kind: 'signalr-close-error',
      message: 'Connection closed with an error.',
    });
  });

  it('reads several records in one message: the first names the row, all are linked', () => {
    const decoded = decode('s2c', {}, { type: 1, target: 'Hello', arguments: [] }, { type: 6 });
    expect(decoded.kind).toBe('HandshakeResponse');
    expect((decoded.fields.records as unknown[]).length).toBe(3);
    expect(decoded.links?.map((l) => l.role)).toEqual(['response', 'ping']);
  });

  it.each([
    ['{"type":1}', 'must end with the 0x1E'],
    [`{"type":1${RS}`, 'not JSON'],
    [`[1]${RS}`, 'not a JSON object'],
    [`{"type":99}${RS}`, 'unknown message type 99'],
    [`{"foo":1}${RS}`, 'without "type"'],
  ])('malformed %j is undecodable (%s)', (payload, reason) => {
    const decoded = decodeWith('signalr', text('c2s', payload));
    expect(decoded.kind).toBe('undecodable');
    expect(decoded.reason).toContain(reason);
  });
});
