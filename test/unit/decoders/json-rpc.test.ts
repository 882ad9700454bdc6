import { describe, expect, it } from 'vitest';
import { decodeWith } from '../../../shared/decoders/index.js';
import { text } from './fixtures.js';

const decode = (dir: 'c2s' | 's2c', message: unknown) =>
  decodeWith('json-rpc', text(dir, typeof message === 'string' ? message : JSON.stringify(message)));

describe('JSON-RPC 2.0 decoder', () => {
  it('reads requests, notifications, results and errors; ids pair them', () => {
    expect(decode('c2s', { jsonrpc: '2.0', method: 'subtract', params: [42, 23], id: 1 })).toMatchObject({
      kind: 'request',
      event: 'subtract',
      id: '1',
      links: [{ role: 'request', key: 'id:1' }],
    });
    expect(decode('s2c', { jsonrpc: '2.0', method: 'update', params: [1] })).toMatchObject({
      kind: 'notification',
    });
    expect(decode('s2c', { jsonrpc: '2.0', result: 19, id: 1 })).toMatchObject({
      kind: 'result',
      links: [{ role: 'response', key: 'id:1' }],
    });
    const error = decode('s2c', {
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: 'a',
    });
    expect(error).toMatchObject({ kind: 'error', id: 'a', problem: { message: '-32601 Method not found' } });
  });

  it('reads batches: every request and response is linked', () => {
    const batch = decode('c2s', [
      { jsonrpc: '2.0', method: 'sum', params: [1, 2], id: '1' },
      { jsonrpc: '2.0', method: 'notify_hello', params: [7] },
      { jsonrpc: '2.0', method: 'get_data', id: '9' },
    ]);
    expect(batch).toMatchObject({ kind: 'batch (3)', event: 'sum' });
    expect(batch.links?.map((l) => l.key)).toEqual(['id:1', 'id:9']);
  });

  it.each([
    ['{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]', 'not JSON'],
    ['[]', 'empty batch'],
    ['{"jsonrpc":"1.0","method":"x","id":1}', '"jsonrpc" is not "2.0"'],
    ['{"jsonrpc":"2.0","id":1}', 'neither "method"'],
    ['"text"', 'JSON object'],
  ])('malformed %j is undecodable (%s)', (payload, reason) => {
    const decoded = decode('c2s', payload);
    expect(decoded.kind).toBe('undecodable');
    expect(decoded.reason).toContain(reason);
  });
});
