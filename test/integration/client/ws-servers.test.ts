import { afterEach, describe, expect, it } from 'vitest';
import {
  startClosingServer,
  startEchoServer,
  startRejectingServer,
  startWsServer,
  type RunningWsServer,
} from '../../helpers/ws-servers.js';
import { framesOf, ofType, record, text } from './helpers.js';

let server: RunningWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('client connection against ws servers', () => {
  it('records a server-initiated close with a private code and reason, answered by the client', async () => {
    server = await startClosingServer(4003, 'session expired');
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const events = await rec.ended(conn);
    const closes = framesOf(events).filter((f) => f.opcode === 8);
    expect(closes.map((f) => [f.dir, f.close?.code, f.close?.reason, f.masked])).toEqual([
      ['s2c', 4003, 'session expired', false],
      ['c2s', 4003, 'session expired', true],
    ]);
    const tcp = ofType(events, 'tcp').map((e) => `${e.kind}:${e.side}`);
    expect(tcp).toEqual(expect.arrayContaining(['connect:server', 'fin:server', 'fin:client']));
    await rec.inspector.dispose();
  });

  it('records a 401 with its headers and body, and the unexpected-response error', async () => {
    server = await startRejectingServer(401, 'token missing');
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const events = await rec.ended(conn);
    const [response] = ofType(events, 'http-response');
    expect(response?.head).toMatchObject({ status: 401, statusText: 'Unauthorized', httpVersion: '1.1' });
    expect(response?.head.headers).toContainEqual({ name: 'Content-Type', value: 'text/plain' });
    expect(response?.accept).toBe('not-applicable');
    expect(response?.body).toEqual({
      base64: Buffer.from('token missing').toString('base64'),
      size: 13,
      truncated: false,
    });
    expect(response?.timing.headersCompleteMs).toBeGreaterThan(0);
    expect(ofType(events, 'open')).toEqual([]);
    expect(ofType(events, 'error').map((e) => e.code)).toContain('UNEXPECTED_RESPONSE');
    await expect(rec.inspector.send({ conn, kind: 'text', data: 'x' })).rejects.toThrow(/not open/);
    await rec.inspector.dispose();
  });

  it('sends protocol pings on the ping interval and records the pongs; answers server pings', async () => {
    server = await startWsServer((socket) => socket.ping('from-server'));
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url, pingIntervalMs: 30 });
    await rec.waitFor((e) => e.type === 'frame' && e.frame.opcode === 10 && e.frame.dir === 's2c');
    await rec.waitFor((e) => e.type === 'frame' && e.frame.opcode === 10 && e.frame.dir === 'c2s');
    await rec.inspector.ping({ conn, data: 'manual' });
    await rec.waitFor((e) => e.type === 'frame' && e.frame.opcode === 10 && text(e.frame.data) === 'manual');
    await rec.inspector.close({ conn });
    const events = await rec.ended(conn);
    const frames = framesOf(events);
    const serverPing = frames.find((f) => f.opcode === 9 && f.dir === 's2c');
    expect(text(serverPing?.data ?? '')).toBe('from-server');
    expect(
      frames.find((f) => f.opcode === 10 && f.dir === 'c2s' && text(f.data) === 'from-server'),
    ).toBeDefined();
    expect(frames.filter((f) => f.opcode === 9 && f.dir === 'c2s').length).toBeGreaterThanOrEqual(2);
    expect(ofType(events, 'action').map((e) => e.action)).toEqual(['ping', 'close']);
    await rec.inspector.dispose();
  });

  it('records compressed frames (RSV1) and the inflated messages when permessage-deflate is on', async () => {
    server = await startEchoServer({ perMessageDeflate: { threshold: 0 } });
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const [open] = ofType([await rec.waitFor((e) => e.type === 'open')], 'open');
    expect(open?.extensions[0]?.name).toBe('permessage-deflate');
    const message = 'compress me please, compress me please, compress me please';
    await rec.inspector.send({ conn, kind: 'text', data: message });
    await rec.waitFor((e) => e.type === 'message' && e.message.dir === 's2c');
    await rec.inspector.send({ conn, kind: 'text', data: message });
    await rec.waitFor((e) => e.type === 'message' && e.message.dir === 's2c' && e.message.id > 2);
    await rec.inspector.close({ conn });
    const events = await rec.ended(conn);
    const data = framesOf(events).filter((f) => f.opcode === 1);
    expect(data.every((f) => f.rsv1)).toBe(true);
    expect(data[0]?.payloadLength).toBeLessThan(message.length);
    const messages = ofType(events, 'message').map((e) => e.message);
    expect(messages).toHaveLength(4);
    for (const m of messages) {
      expect(m).toMatchObject({ compressed: true, size: message.length, utf8Valid: true });
      expect(text(m.data)).toBe(message);
    }
    // Context takeover: the repeated message compresses better the second time.
    expect(messages[3]?.wireSize).toBeLessThan(messages[1]?.wireSize ?? 0);
    expect(ofType(events, 'violation')).toEqual([]);
    await rec.inspector.dispose();
  });

  it('offers subprotocols and custom headers and records what was negotiated', async () => {
    server = await startWsServer(() => undefined, {
      handleProtocols: (protocols) => (protocols.has('v2') ? 'v2' : false),
    });
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: server.url,
      protocols: ['v1', 'v2'],
      headers: [
        { name: 'Authorization', value: 'Bearer t' },
        { name: 'X-Twice', value: 'a' },
        { name: 'X-Twice', value: 'b' },
      ],
    });
    const [open] = ofType([await rec.waitFor((e) => e.type === 'open')], 'open');
    expect(open?.protocol).toBe('v2');
    const [request] = ofType(rec.events, 'http-request');
    expect(request?.head.headers.filter((h) => h.name === 'X-Twice').map((h) => h.value)).toEqual(['a', 'b']);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer t');
    await rec.inspector.close({ conn, code: 4000, reason: 'bye' });
    const events = await rec.ended(conn);
    expect(framesOf(events).find((f) => f.dir === 's2c' && f.opcode === 8)?.close).toEqual({
      code: 4000,
      reason: 'bye',
    });
    await rec.inspector.dispose();
  });

  it('aborts with a TCP reset and records it as ours', async () => {
    server = await startEchoServer();
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url });
    await rec.waitFor((e) => e.type === 'open');
    await rec.inspector.dispose();
    const events = await rec.ended(conn);
    expect(ofType(events, 'tcp').map((e) => `${e.kind}:${e.side}`)).toContain('rst:client');
    expect(ofType(events, 'action').map((e) => e.action)).toEqual(['abort']);
  });

  it('records the DNS phase when the host is a name', async () => {
    server = await startClosingServer(1000, '', 0);
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: `ws://localhost:${server.port}/` });
    const events = await rec.ended(conn);
    const timing = ofType(events, 'http-response')[0]?.timing;
    expect(timing?.dnsMs).toBeGreaterThanOrEqual(0);
    expect(timing?.tcpConnectMs).toBeGreaterThanOrEqual(timing?.dnsMs ?? Infinity);
    await rec.inspector.dispose();
  });

  it('records a DNS failure without crashing', async () => {
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: 'ws://does-not-exist.invalid/' });
    const events = await rec.ended(conn, 15_000);
    expect(ofType(events, 'error').map((e) => e.code)).toContain('ENOTFOUND');
    expect(ofType(events, 'tcp')).toEqual([]);
    expect(ofType(events, 'http-request')).toEqual([]);
    await rec.inspector.dispose();
  });
});

describe('inspector API', () => {
  it('rejects bad requests with clear messages and reports snapshot, info and missing proxy', async () => {
    const rec = record();
    await expect(rec.inspector.connect({ url: 'http://x/' })).rejects.toThrow(
      /unsupported URL scheme "http:"/,
    );
    await expect(rec.inspector.send({ conn: 'c9', kind: 'text', data: '' })).rejects.toThrow(
      /no client connection "c9"/,
    );
    await expect(rec.inspector.startProxy({ mode: 'reverse' })).rejects.toThrow(/proxy not available/);
    expect(await rec.inspector.listProxies(undefined)).toEqual([]);
    const info = await rec.inspector.getInfo(undefined);
    expect(info.shell).toBe('cli');
    expect(info.session.format).toBe('wsi-session');
    const recorder = rec.inspector.createRecorder({
      mode: 'proxy',
      url: 'ws://up/',
      peer: '127.0.0.1:5000',
      target: 'up:80',
    });
    expect(recorder.conn).toBe('c1');
    recorder.end();
    const snapshot = await rec.inspector.snapshot(undefined);
    expect(snapshot.events.map((e) => e.type)).toEqual(['connection', 'end']);
    expect(snapshot.events[0]).toMatchObject({ mode: 'proxy', peer: '127.0.0.1:5000', target: 'up:80' });
    const opened = await rec.inspector.openSession({ name: 'x', content: 'garbage\n' });
    expect(opened.problems[0]?.line).toBe(1);
    await rec.inspector.dispose();
  });
});
