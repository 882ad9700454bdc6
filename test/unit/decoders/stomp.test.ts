import { describe, expect, it } from 'vitest';
import { decodeWith, stompHeartBeat } from '../../../shared/decoders/index.js';
import { binary, text } from './fixtures.js';

const decode = (dir: 'c2s' | 's2c', payload: string) => decodeWith('stomp', text(dir, payload));

describe('STOMP 1.2 decoder', () => {
  it('reads CONNECT and CONNECTED with the heart-beat header, paired', () => {
    const connect = decode('c2s', 'CONNECT\naccept-version:1.2\nhost:example\nheart-beat:10000,10000\n\n\0');
    expect(connect).toMatchObject({ kind: 'CONNECT', links: [{ role: 'request', key: 'connect' }] });
    expect(stompHeartBeat(connect)).toEqual({ send: 10000, receive: 10000 });
    const connected = decode('s2c', 'CONNECTED\r\nversion:1.2\r\nheart-beat:0,5000\r\n\r\n\0');
    expect(connected).toMatchObject({ kind: 'CONNECTED', fields: { headers: { version: '1.2' } } });
    expect(stompHeartBeat(connected)).toEqual({ send: 0, receive: 5000 });
  });

  it('reads SEND, SUBSCRIBE and MESSAGE with destination, ids and body; escapes decoded', () => {
    const send = decode(
      'c2s',
      'SEND\ndestination:/queue/a\\cb\ncontent-type:text/plain\nreceipt:77\n\nhello\0',
    );
    expect(send).toMatchObject({ kind: 'SEND', topic: '/queue/a:b', id: '77', fields: { body: 'hello' } });
    expect(send.links?.[0]).toMatchObject({ role: 'request', key: 'receipt:77' });
    expect(decode('c2s', 'SUBSCRIBE\nid:sub-0\ndestination:/topic/x\nack:auto\n\n\0')).toMatchObject({
      kind: 'SUBSCRIBE',
      topic: '/topic/x',
      id: 'sub-0',
    });
    const message = decode(
      's2c',
      'MESSAGE\nsubscription:sub-0\nmessage-id:9\ndestination:/topic/x\n\n{"a":1}\0',
    );
    expect(message).toMatchObject({
      kind: 'MESSAGE',
      id: '9',
      topic: '/topic/x',
      fields: { body: '{"a":1}' },
    });
    expect(decode('s2c', 'RECEIPT\nreceipt-id:77\n\n\0').links?.[0]).toMatchObject({
      role: 'response',
      key: 'receipt:77',
    });
  });

  it('keeps the first of repeated headers and counts further frames in the message', () => {
    const decoded = decode(
      's2c',
      'MESSAGE\nfoo:1\nfoo:2\ndestination:/d\n\na\0\nMESSAGE\ndestination:/d\n\nb\0',
    );
    expect(decoded.fields.headers).toMatchObject({ foo: '1' });
    expect(decoded.fields.moreFrames).toBe(1);
  });

  it('reads heart-beats (a lone EOL) and ERROR frames as problems', () => {
    expect(decode('c2s', '\n')).toMatchObject({ kind: 'heart-beat', links: [{ role: 'ping' }] });
    expect(decode('s2c', '\r\n').kind).toBe('heart-beat');
    const error = decode(
      's2c',
      'ERROR\nmessage:malformed frame received\ncontent-type:text/plain\n\nThe message:\n-----\nMESSAGE\n\0',
    );
    expect(error.problem).toEqual({ kind: 'stomp-error', message: 'malformed frame received' });
    expect(decode('s2c', 'ERROR\n\nno header\0').problem?.message).toBe('no header');
  });

  it('decodes STOMP sent in binary messages too', () => {
    const bytes = new TextEncoder().encode('DISCONNECT\nreceipt:1\n\n\0');
    expect(decodeWith('stomp', binary('c2s', bytes)).kind).toBe('DISCONNECT');
  });

  it.each([
    ['HELLO\n\n\0', 'not a STOMP command'],
    ['SEND', 'no end of line'],
    ['SEND\ndestination:/a\n', 'no blank line'],
    ['SEND\ndestination /a\n\n\0', 'without a colon'],
    ['SEND\ndestination:/a\\t\n\n\0', 'undefined escape'],
    ['SEND\ndestination:/a\n\nbody without nul', 'does not end with NUL'],
  ])('malformed %j is undecodable (%s)', (payload, reason) => {
    const decoded = decode('c2s', payload);
    expect(decoded.kind).toBe('undecodable');
    expect(decoded.reason).toContain(reason);
  });
});
