import { describe, expect, it } from 'vitest';
import { placeRequestHeaders } from '../../../main/client/request-head.js';

const nodeHead = [
  'GET /feed HTTP/1.1',
  'x-dup: 3',
  'X-Other: a',
  'Sec-WebSocket-Version: 13',
  'Host: 127.0.0.1:9',
  '',
  '',
].join('\r\n');

describe('placeRequestHeaders', () => {
  it('puts the given headers where node:http grouped them, in order, case and number', () => {
    const given = [
      { name: 'X-Dup', value: '1' },
      { name: 'x-dup', value: '2' },
      { name: 'X-Other', value: 'a' },
      { name: 'X-DUP', value: '3' },
    ];
    expect(placeRequestHeaders(nodeHead, given).split('\r\n')).toEqual([
      'GET /feed HTTP/1.1',
      'X-Dup: 1',
      'x-dup: 2',
      'X-Other: a',
      'X-DUP: 3',
      'Sec-WebSocket-Version: 13',
      'Host: 127.0.0.1:9',
      '',
      '',
    ]);
  });

  it('a given header replaces the client’s line of that name; no headers or no blank line: unchanged', () => {
    expect(placeRequestHeaders(nodeHead, [{ name: 'HOST', value: 'example.test' }])).toBe(
      'GET /feed HTTP/1.1\r\nx-dup: 3\r\nX-Other: a\r\nSec-WebSocket-Version: 13\r\nHOST: example.test\r\n\r\n',
    );
    expect(placeRequestHeaders(nodeHead, [])).toBe(nodeHead);
    expect(placeRequestHeaders('GET / HTTP/1.1\r\nX: 1', [{ name: 'X', value: '2' }])).toBe(
      'GET / HTTP/1.1\r\nX: 1',
    );
  });
});
