import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/index.js';
import { createInspector } from '../../../main/core/inspector.js';
import { closePayload, encodeFrame } from '../../helpers/raw-servers.js';
import { framesOf, ofType } from './helpers.js';

const key = 'dGhlIHNhbXBsZSBub25jZQ==';
const requestHead =
  'GET /chat HTTP/1.1\r\nHost: server.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
const responseHead =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';
const mask = Buffer.from([9, 8, 7, 6]);

/** A recorder driven the way the proxy drives it: bytes of the downstream leg, heads of the upstream leg explicitly. */
function proxyRecording() {
  const inspector = createInspector({ shell: 'cli' });
  const events: CaptureEvent[] = [];
  inspector.on('capture', (batch) => events.push(...batch.events));
  const recorder = inspector.createRecorder({
    mode: 'proxy',
    url: 'ws://server.example/chat',
    peer: '127.0.0.1:5555',
    target: 'server.example:80',
  });
  return { inspector, recorder, events };
}

describe('ConnectionRecorder driven like the proxy', () => {
  it('parses heads and frames from bytes in any chunking, attributes them to the downstream leg, and keeps other legs explicit', async () => {
    const { inspector, recorder, events } = proxyRecording();
    const c2s = Buffer.concat([
      Buffer.from(requestHead, 'latin1'),
      encodeFrame({ opcode: 1, payload: 'frag-', fin: false, maskKey: mask }),
      encodeFrame({ opcode: 9, payload: 'p', maskKey: mask }),
      encodeFrame({ opcode: 0, payload: 'ment', maskKey: mask }),
    ]);
    const s2c = Buffer.concat([
      Buffer.from(responseHead, 'latin1'),
      encodeFrame({ opcode: 10, payload: 'p' }),
      encodeFrame({ opcode: 8, payload: closePayload(1001, 'restart') }),
    ]);
    // Request bytes one at a time, including frames sent before the 101 arrives (held until the upgrade).
    for (const byte of c2s) recorder.onBytes('c2s', Buffer.from([byte]));
    recorder.recordRequestHead(
      {
        method: 'GET',
        target: '/chat',
        httpVersion: '1.1',
        headers: [{ name: 'Sec-WebSocket-Key', value: key }],
        raw: '',
      },
      'upstream',
    );
    recorder.onBytes('s2c', s2c.subarray(0, 10));
    recorder.onBytes('s2c', s2c.subarray(10));
    recorder.tcp('fin', 'server', 'upstream');
    recorder.end();
    recorder.onBytes('c2s', Buffer.from('ignored after end'));
    inspector.flush();

    expect(events.map((e) => e.type)).toEqual([
      'connection',
      'http-request',
      'http-request',
      'http-response',
      'open',
      'frame',
      'frame',
      'frame',
      'message',
      'frame',
      'frame',
      'tcp',
      'end',
    ]);
    expect(events[0]).toMatchObject({
      mode: 'proxy',
      peer: '127.0.0.1:5555',
      target: 'server.example:80',
      conn: 'c1',
    });
    expect(ofType(events, 'http-request').map((e) => e.leg)).toEqual(['downstream', 'upstream']);
    const [response] = ofType(events, 'http-response');
    expect(response).toMatchObject({ leg: 'downstream', accept: 'ok' });
    const frames = framesOf(events);
    expect(frames.map((f) => [f.seq, f.dir, f.opcode, f.fin, f.messageId])).toEqual([
      [1, 'c2s', 1, false, 1],
      [2, 'c2s', 9, true, undefined],
      [3, 'c2s', 0, true, 1],
      [4, 's2c', 10, true, undefined],
      [5, 's2c', 8, true, undefined],
    ]);
    expect(frames.map((f) => f.offset)).toEqual([0, 11, 18, 0, 3]);
    const [message] = ofType(events, 'message');
    expect(message?.message).toMatchObject({ id: 1, dir: 'c2s', opcode: 1, frames: [1, 3], size: 9 });
    expect(Buffer.from(message?.message.data ?? '', 'base64').toString()).toBe('frag-ment');
    expect(frames[4]?.close).toEqual({ code: 1001, reason: 'restart' });
    await inspector.dispose();
  });

  it('records a gap the proxy could not record, and a response head that cannot be parsed', async () => {
    const { inspector, recorder, events } = proxyRecording();
    recorder.onBytes('c2s', Buffer.from(requestHead, 'latin1'));
    recorder.onBytes('s2c', Buffer.from('NOT HTTP AT ALL\r\n\r\n', 'latin1'));
    recorder.dropped('c2s', 3, 3000);
    recorder.end();
    inspector.flush();
    expect(ofType(events, 'error').map((e) => e.code)).toEqual(['HTTP_PARSE_ERROR']);
    expect(ofType(events, 'dropped')[0]).toMatchObject({ dir: 'c2s', frames: 3, bytes: 3000 });
    expect(events.at(-1)?.type).toBe('end');
    await inspector.dispose();
  });

  it('keeps a non-101 response body, capped, until Content-Length is reached', async () => {
    const { inspector, recorder, events } = proxyRecording();
    recorder.onBytes('c2s', Buffer.from(requestHead, 'latin1'));
    const body = 'x'.repeat(70_000);
    recorder.onBytes(
      's2c',
      Buffer.from(`HTTP/1.1 403 Forbidden\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'),
    );
    recorder.onBytes('s2c', Buffer.from(body.slice(0, 30_000)));
    inspector.flush();
    expect(ofType(events, 'http-response')).toEqual([]);
    recorder.onBytes('s2c', Buffer.from(body.slice(30_000)));
    inspector.flush();
    const [response] = ofType(events, 'http-response');
    expect(response?.body).toMatchObject({ size: 70_000, truncated: true });
    expect(Buffer.from(response?.body?.base64 ?? '', 'base64').length).toBe(64 * 1024);
    expect(response?.accept).toBe('not-applicable');
    recorder.end();
    await inspector.dispose();
  });

  it('keeps a chunked non-101 body as on the wire and ends it at the last chunk', async () => {
    const { inspector, recorder, events } = proxyRecording();
    recorder.onBytes('c2s', Buffer.from(requestHead, 'latin1'));
    recorder.onBytes(
      's2c',
      Buffer.from('HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\r\n', 'latin1'),
    );
    recorder.onBytes('s2c', Buffer.from('5\r\nhello\r\n0\r'));
    inspector.flush();
    expect(ofType(events, 'http-response')).toEqual([]);
    recorder.onBytes('s2c', Buffer.from('\n\r\n'));
    inspector.flush();
    const [response] = ofType(events, 'http-response');
    expect(Buffer.from(response?.body?.base64 ?? '', 'base64').toString()).toBe('5\r\nhello\r\n0\r\n\r\n');
    recorder.end();
    await inspector.dispose();
  });

  it('emits a pending non-101 response at end when the body never completed', async () => {
    const { inspector, recorder, events } = proxyRecording();
    recorder.onBytes('c2s', Buffer.from(requestHead, 'latin1'));
    recorder.onBytes('s2c', Buffer.from('HTTP/1.0 502 Bad Gateway\r\n\r\npartial', 'latin1'));
    recorder.end();
    inspector.flush();
    expect(events.slice(-2).map((e) => e.type)).toEqual(['http-response', 'end']);
    expect(ofType(events, 'http-response')[0]).toMatchObject({
      head: { status: 502, httpVersion: '1.0' },
      body: { size: 7 },
    });
    await inspector.dispose();
  });
});
