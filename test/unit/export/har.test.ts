import { describe, expect, it } from 'vitest';
import { toHar } from '../../../shared/export/har.js';
import { harTimings } from '../../../shared/export/har-http.js';
import { sampleSession, STARTED_AT } from './session-fixture.js';

const har = toHar(sampleSession());
const [c1, c2, c3] = har.log.entries;

describe('toHar', () => {
  it('is a HAR 1.2 log with one websocket entry per connection, in start order, that survives JSON', () => {
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('wsi');
    expect(har.log.entries.map((e) => e._wsiConnection)).toEqual(['c1', 'c2', 'c3']);
    expect(har.log.entries.every((e) => e._resourceType === 'websocket')).toBe(true);
    expect(JSON.parse(JSON.stringify(har))).toEqual(har);
  });

  it('takes the request from the captured handshake: method, url, version, headers in order, query, cookies', () => {
    expect(c1!.startedDateTime).toBe(new Date(STARTED_AT + 10).toISOString());
    expect(c1!.request.method).toBe('GET');
    expect(c1!.request.url).toBe('ws://example.test:8080/chat?room=a%20b&x=1');
    expect(c1!.request.httpVersion).toBe('HTTP/1.1');
    expect(c1!.request.headers.map((h) => h.name)).toEqual([
      'Host',
      'Upgrade',
      'Connection',
      'Sec-WebSocket-Key',
      'Sec-WebSocket-Version',
      'Cookie',
    ]);
    expect(c1!.request.queryString).toEqual([
      { name: 'room', value: 'a b' },
      { name: 'x', value: '1' },
    ]);
    expect(c1!.request.cookies).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
    ]);
    expect(c1!.request.headersSize).toBeGreaterThan(100);
  });

  it('takes the response and timings from the handshake', () => {
    expect(c1!.response.status).toBe(101);
    expect(c1!.response.statusText).toBe('Switching Protocols');
    expect(c1!.response.httpVersion).toBe('HTTP/1.1');
    expect(c1!.response.headers[2]).toEqual({
      name: 'Sec-WebSocket-Accept',
      value: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    });
    expect(c1!.timings).toEqual({ blocked: -1, dns: 1, connect: 1, ssl: -1, send: 1, wait: 6, receive: 1 });
    expect(c1!.time).toBe(10);
  });

  it('lists whole messages in Chrome format: send/receive, epoch seconds, opcode, text or base64', () => {
    const [hello, binary, big] = c1!._webSocketMessages;
    expect(hello).toEqual({ type: 'send', time: (STARTED_AT + 30) / 1000, opcode: 1, data: 'Hello' });
    expect(binary).toEqual({ type: 'receive', time: (STARTED_AT + 40) / 1000, opcode: 2, data: 'AAEC/w==' });
    expect(big!.opcode).toBe(1);
    expect(big!.data).toHaveLength(65_536);
    expect(big!._truncated).toBe(true);
    expect(big!._size).toBe(70_000);
    expect(hello).not.toHaveProperty('_truncated');
  });

  it('adds the close (code, reason, time, initiator) and the frames with their header bits', () => {
    expect(c1!._webSocketClose).toEqual({
      code: 1000,
      reason: 'bye',
      timestamp: (STARTED_AT + 60) / 1000,
      initiator: 'client',
      kind: 'close-frame',
      closingHandshakeComplete: true,
    });
    const frames = c1!._webSocketFrames!;
    expect(frames).toHaveLength(5);
    expect(frames[0]).toMatchObject({
      seq: 1,
      type: 'send',
      opcode: 1,
      fin: true,
      mask: true,
      maskKey: '37fa213d',
    });
    expect(frames[0]).not.toHaveProperty('data');
    expect(frames[2]).toMatchObject({ lengthEncoding: 64, payloadLength: 70_000, truncated: true });
    expect(frames[3]).toMatchObject({ opcode: 8, data: 'A+hieWU=' });
    expect(toHar(sampleSession(), { frames: false }).log.entries[0]).not.toHaveProperty('_webSocketFrames');
  });

  it('keeps a rejected handshake with its status and body, and a failed attempt with its error', () => {
    expect(c2!.response.status).toBe(403);
    expect(c2!.response.content).toEqual({
      size: 6,
      mimeType: 'text/plain',
      text: 'bm9wZSEK',
      encoding: 'base64',
    });
    expect(c2!._webSocketMessages).toEqual([]);
    expect(c2!._webSocketClose).toMatchObject({ code: 1006, initiator: 'server', kind: 'tcp-rst' });
    expect(c3!.response.status).toBe(0);
    expect(c3!.response._error).toMatch(/ECONNREFUSED/);
    expect(c3!.request.url).toBe('wss://example.test:9443/');
  });

  it('derives the session clock from the connection record when the header has no start time', () => {
    const session = sampleSession();
    session.header.startedAt = 0;
    const entry = toHar(session).log.entries[0]!;
    expect(entry._webSocketMessages[0]!.time).toBe((STARTED_AT + 30) / 1000);
  });
});

describe('HAR timings', () => {
  it('turns cumulative handshake marks into HAR durations, with connect including ssl', () => {
    expect(
      harTimings({
        dnsMs: 2,
        tcpConnectMs: 5,
        tlsMs: 12,
        requestSentMs: 13,
        firstByteMs: 20,
        headersCompleteMs: 21,
      }),
    ).toEqual({ blocked: -1, dns: 2, connect: 10, ssl: 7, send: 1, wait: 7, receive: 1 });
    expect(harTimings(undefined)).toEqual({
      blocked: -1,
      dns: -1,
      connect: -1,
      ssl: -1,
      send: 0,
      wait: 0,
      receive: 0,
    });
  });
});
