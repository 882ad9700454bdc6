import { describe, expect, it } from 'vitest';
import {
  HttpHeadReader,
  headerList,
  headerValues,
  parseExtensions,
  parseSubprotocols,
} from '../../../shared/protocol/http-head.js';
import type { HttpRequestHead, HttpResponseHead } from '../../../shared/model/handshake.js';

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

const REQUEST =
  'GET /chat?x=1 HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Dup: a\r\nx-dup: b\r\n\r\n';
const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

describe('HttpHeadReader', () => {
  it('parses a request with headers in original order and case, duplicates kept', () => {
    const result = new HttpHeadReader('request').accept(enc(REQUEST));
    expect(result.state).toBe('done');
    if (result.state !== 'done') return;
    const head = result.head as HttpRequestHead;
    expect(head).toMatchObject({ method: 'GET', target: '/chat?x=1', httpVersion: '1.1', raw: REQUEST });
    expect(head.headers.map((h) => h.name)).toEqual([
      'Host',
      'Upgrade',
      'Connection',
      'Sec-WebSocket-Key',
      'Sec-WebSocket-Version',
      'X-Dup',
      'x-dup',
    ]);
    expect(headerValues(head.headers, 'x-DUP')).toEqual(['a', 'b']);
    expect(result.rest.length).toBe(0);
  });

  it('returns the bytes after the head, in any chunking', () => {
    const all = enc(RESPONSE + '\x81\x02hi');
    for (const size of [1, 2, 3, 7, 50, all.length]) {
      const reader = new HttpHeadReader('response');
      let done: { head: HttpResponseHead; rest: number[] } | undefined;
      const rest: number[] = [];
      for (let i = 0; i < all.length; i += size) {
        const result = reader.accept(all.subarray(i, i + size));
        expect(result.state).not.toBe('error');
        if (result.state === 'done') {
          if (!done) done = { head: result.head as HttpResponseHead, rest };
          rest.push(...result.rest);
        }
      }
      expect(done?.head).toMatchObject({
        httpVersion: '1.1',
        status: 101,
        statusText: 'Switching Protocols',
      });
      expect(done?.head.raw).toBe(RESPONSE);
      expect(rest).toEqual([0x81, 0x02, 0x68, 0x69]);
    }
  });

  it('tolerates LF-only line ends and a missing reason phrase', () => {
    const result = new HttpHeadReader('response').accept(enc('HTTP/1.0 101\nUpgrade: websocket\n\nrest'));
    expect(result).toMatchObject({
      state: 'done',
      head: { httpVersion: '1.0', status: 101, statusText: '' },
    });
    if (result.state === 'done') expect(Buffer.from(result.rest).toString()).toBe('rest');
  });

  it('keeps header values as latin1 and trims optional whitespace', () => {
    const result = new HttpHeadReader('response').accept(enc('HTTP/1.1 200 OK\r\nX-A:   caf\xe9  \r\n\r\n'));
    expect(result).toMatchObject({ state: 'done', head: { headers: [{ name: 'X-A', value: 'caf\xe9' }] } });
  });

  it.each([
    ['response', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['response', '\x16\x03\x01\x02\x00'],
    ['request', '\x16\x03\x01\x02\x00\x01'],
    ['request', 'GET /\r\n\r\n'],
    ['response', 'HTTP/1.1 abc\r\n\r\n'],
    ['request', 'GET / HTTP/1.1\r\nno colon here\r\n\r\n'],
    ['request', 'GET / HTTP/1.1\r\nBad Name: x\r\n\r\n'],
  ] as const)('rejects garbage (%s %j)', (kind, text) => {
    const result = new HttpHeadReader(kind).accept(enc(text));
    expect(result.state).toBe('error');
    expect(new HttpHeadReader(kind).accept(enc(text)).state).toBe('error');
  });

  it('rejects an oversize head without buffering past the limit', () => {
    const reader = new HttpHeadReader('request', 100);
    expect(reader.accept(enc('GET / HTTP/1.1\r\n')).state).toBe('pending');
    const result = reader.accept(enc('X-Long: ' + 'a'.repeat(10_000)));
    expect(result).toMatchObject({ state: 'error' });
    expect(reader.accept(enc('\r\n\r\n')).state).toBe('error');
  });

  it('is pending until the blank line', () => {
    const reader = new HttpHeadReader('request');
    expect(reader.accept(enc('GET / HTTP/1.1\r\nHost: a\r\n')).state).toBe('pending');
    expect(reader.accept(enc('\r')).state).toBe('pending');
    expect(reader.accept(enc('\n')).state).toBe('done');
  });
});

describe('parseExtensions', () => {
  it('parses RFC 7692 offers and responses', () => {
    expect(parseExtensions('permessage-deflate; client_max_window_bits')).toEqual([
      { name: 'permessage-deflate', params: { client_max_window_bits: true } },
    ]);
    expect(
      parseExtensions(
        'permessage-deflate; server_no_context_takeover; client_max_window_bits=10, permessage-deflate;client_max_window_bits="12" , x-webkit-deflate-frame',
      ),
    ).toEqual([
      {
        name: 'permessage-deflate',
        params: { server_no_context_takeover: true, client_max_window_bits: '10' },
      },
      { name: 'permessage-deflate', params: { client_max_window_bits: '12' } },
      { name: 'x-webkit-deflate-frame', params: {} },
    ]);
  });

  it('keeps commas and semicolons inside quoted values', () => {
    expect(parseExtensions('foo; a="x,y;z"; b="q\\"uote"')).toEqual([
      { name: 'foo', params: { a: 'x,y;z', b: 'q"uote' } },
    ]);
  });

  it('ignores empty elements', () => {
    expect(parseExtensions(' , ,')).toEqual([]);
    expect(parseExtensions('')).toEqual([]);
  });
});

describe('parseSubprotocols and headerList', () => {
  it('splits comma lists', () => {
    expect(parseSubprotocols('chat, superchat ,,v2.json')).toEqual(['chat', 'superchat', 'v2.json']);
    const headers = [
      { name: 'Connection', value: 'keep-alive, Upgrade' },
      { name: 'connection', value: 'close' },
    ];
    expect(headerList(headers, 'CONNECTION')).toEqual(['keep-alive', 'Upgrade', 'close']);
  });
});
