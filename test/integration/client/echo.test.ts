import { afterEach, describe, expect, it } from 'vitest';
import { startEchoServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { framesOf, ofType, record, text } from './helpers.js';

let server: RunningWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('client connection against an echo server', () => {
  it('records the handshake, every frame from the socket in both directions, and a clean close', async () => {
    server = await startEchoServer({ perMessageDeflate: false });
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: server.url + '/echo?x=1',
      headers: [{ name: 'X-Test', value: 'one' }],
    });
    expect(conn).toBe('c1');
    await rec.waitFor((e) => e.type === 'open');
    await rec.inspector.send({ conn, kind: 'text', data: 'hello' });
    await rec.waitFor((e) => e.type === 'frame' && e.frame.dir === 's2c' && e.frame.opcode === 1);
    await rec.inspector.send({ conn, kind: 'binary', data: Buffer.from([1, 2, 3]).toString('base64') });
    await rec.waitFor((e) => e.type === 'frame' && e.frame.dir === 's2c' && e.frame.opcode === 2);
    await rec.inspector.close({ conn, code: 1000, reason: 'done' });
    const events = await rec.ended(conn);

    expect(events[0]?.type).toBe('connection');
    expect(events.at(-1)?.type).toBe('end');
    const [request] = ofType(events, 'http-request');
    expect(request?.head.method).toBe('GET');
    expect(request?.head.target).toBe('/echo?x=1');
    expect(request?.head.headers).toContainEqual({ name: 'X-Test', value: 'one' });
    const [response] = ofType(events, 'http-response');
    expect(response?.head.status).toBe(101);
    expect(response?.accept).toBe('ok');
    expect(response?.timing.tcpConnectMs).toBeGreaterThanOrEqual(0);
    expect(response?.timing.requestSentMs).toBeGreaterThanOrEqual(response?.timing.tcpConnectMs ?? 0);
    expect(response?.timing.headersCompleteMs).toBeGreaterThanOrEqual(response?.timing.firstByteMs ?? 0);

    const frames = framesOf(events);
    expect(frames.map((f) => [f.seq, f.dir, f.opcode])).toEqual([
      [1, 'c2s', 1],
      [2, 's2c', 1],
      [3, 'c2s', 2],
      [4, 's2c', 2],
      [5, 'c2s', 8],
      [6, 's2c', 8],
    ]);
    const [hello, echo] = frames;
    expect(hello).toMatchObject({
      fin: true,
      rsv1: false,
      masked: true,
      lengthEncoding: 7,
      headerLength: 6,
      payloadLength: 5,
    });
    expect(hello?.maskKey).toMatch(/^[0-9a-f]{8}$/);
    expect(text(hello?.data ?? '')).toBe('hello');
    expect(echo).toMatchObject({ masked: false, headerLength: 2, offset: 0 });
    expect(text(echo?.data ?? '')).toBe('hello');
    expect(frames[4]?.close).toEqual({ code: 1000, reason: 'done' });
    expect(frames[5]?.close).toEqual({ code: 1000, reason: 'done' });

    const tcp = ofType(events, 'tcp').map((e) => `${e.kind}:${e.side}`);
    expect(tcp[0]).toBe('connect:server');
    expect(tcp).toContain('fin:server');
    expect(tcp).toContain('fin:client');
    expect(ofType(events, 'violation')).toEqual([]);
    await rec.inspector.dispose();
  });
});
