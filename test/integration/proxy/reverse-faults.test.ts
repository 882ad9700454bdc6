import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { encodeFrame } from '../../helpers/frame-encoder.js';
import type { FrameSpec } from '../../helpers/frame-encoder.js';
import { endedConnection, proxyHarness } from '../../helpers/proxy-harness.js';
import type { ProxyHarness } from '../../helpers/proxy-harness.js';
import {
  readUntil,
  selfSignedCert,
  sha256,
  startRawServer,
  startTappedWsServer,
  tappedConnection,
  upgradeRequest,
} from '../../helpers/proxy-wire.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function reverseProxy(
  target: string,
  options: Parameters<typeof proxyHarness>[0] = {},
): Promise<{ harness: ProxyHarness; port: number }> {
  const harness = proxyHarness(options);
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({ mode: 'reverse', target });
  return { harness, port: Number(info.address.split(':').pop()) };
}

async function rawServer(...args: Parameters<typeof startRawServer>) {
  const server = await startRawServer(...args);
  cleanups.push(() => server.close());
  return server;
}

const MASK = [0x11, 0x22, 0x33, 0x44];
const frame = (spec: Omit<FrameSpec, 'mask'> & { masked?: boolean }): Buffer => {
  const { masked, ...rest } = spec;
  return Buffer.from(encodeFrame({ ...rest, ...(masked ? { mask: MASK } : {}) }));
};
const headEnd = (all: Buffer): boolean => all.includes('\r\n\r\n');
const waitClosed = (socket: net.Socket): Promise<void> =>
  new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
const typesOf = (events: CaptureEvent[]): string[] =>
  events.map(
    (e) => `${e.type}${'leg' in e && e.leg ? `/${e.leg}` : ''}${'kind' in e ? `/${String(e.kind)}` : ''}`,
  );

describe('reverse proxy: invalid frames and resets', () => {
  it('relays deliberately invalid frames unchanged and flags them', async () => {
    const server = await rawServer();
    const { harness, port } = await reverseProxy(`ws://127.0.0.1:${server.port}`);
    const client = tappedConnection(port);
    const serverSide = server.nextConnection();
    const { head } = upgradeRequest('/bad', `127.0.0.1:${port}`);
    client.socket.write(head);
    await readUntil(client.incoming, client.socket, headEnd);
    const side = await serverSide;

    const invalid = Buffer.concat([
      frame({ opcode: 1, payload: 'unmasked from client', masked: false }),
      frame({ opcode: 3, payload: 'reserved opcode', masked: true }),
      frame({ opcode: 2, payload: 'rsv bits', rsv2: true, masked: true }),
      frame({ opcode: 9, payload: 'x'.repeat(126), masked: true }),
      frame({ opcode: 1, payload: Buffer.from([0xc3, 0x28]), masked: true }),
    ]);
    // Written in awkward pieces so the relay sees frames split across chunks.
    for (let i = 0; i < invalid.length; i += 7) client.socket.write(invalid.subarray(i, i + 7));
    const fromServer = Buffer.concat([
      frame({ opcode: 1, payload: 'masked from server', masked: true }),
      frame({ opcode: 8, payload: Buffer.from([0x03]) }),
    ]);
    side.socket.write(fromServer);
    await readUntil(
      side.incoming,
      side.socket,
      (all) => all.length >= Buffer.byteLength(head) + invalid.length,
    );
    await readUntil(
      client.incoming,
      client.socket,
      (all) => all.length >= client.incoming.head().length + fromServer.length,
    );
    client.socket.end();
    side.socket.end();
    await waitClosed(client.socket);

    expect(sha256(side.incoming.afterHead())).toBe(sha256(invalid));
    expect(sha256(client.incoming.afterHead())).toBe(sha256(fromServer));
    const events = await endedConnection(harness, '/bad');
    const violations = events.flatMap((e) => (e.type === 'violation' ? [e.violation.code] : []));
    expect(violations.length).toBeGreaterThanOrEqual(4);
    const frames = events.filter((e) => e.type === 'frame');
    expect(frames).toHaveLength(7);
  });

  it.each([
    { who: 'client', rst: 'client' as const },
    { who: 'server', rst: 'server' as const },
  ])('passes a $who reset mid-frame on as a reset and records it', async ({ rst }) => {
    const server = await rawServer();
    const { harness, port } = await reverseProxy(`ws://127.0.0.1:${server.port}`);
    const client = tappedConnection(port);
    const serverSide = server.nextConnection();
    client.socket.write(upgradeRequest(`/rst-${rst}`, 'x').head);
    await readUntil(client.incoming, client.socket, headEnd);
    const side = await serverSide;
    const big = frame({ opcode: 2, payload: Buffer.alloc(5000, 1), masked: rst === 'client' });
    const half = big.subarray(0, 2000);
    const [writer, reader, readerLog] =
      rst === 'client'
        ? [client.socket, side.socket, side.incoming]
        : [side.socket, client.socket, client.incoming];
    const before = readerLog.size;
    writer.write(half);
    await readUntil(readerLog, reader, (all) => all.length >= before + half.length);
    const readerError = new Promise<string>((resolve) =>
      reader.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')),
    );
    writer.resetAndDestroy();
    expect(await readerError).toBe('ECONNRESET');

    const events = await endedConnection(harness, `/rst-${rst}`);
    const leg = rst === 'client' ? 'downstream' : 'upstream';
    expect(events.some((e) => e.type === 'tcp' && e.kind === 'rst' && e.side === rst && e.leg === leg)).toBe(
      true,
    );
    expect(events.some((e) => e.type === 'violation' && e.violation.code === 'TRUNCATED_FRAME')).toBe(true);
  });
});

describe('reverse proxy: upstream failures', () => {
  it('answers 502 with a plain-text reason when the upstream refuses', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as net.AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const { harness, port } = await reverseProxy(`ws://127.0.0.1:${closedPort}`);
    const client = tappedConnection(port);
    client.socket.write(upgradeRequest('/refused', 'x').head);
    await waitClosed(client.socket);
    const response = client.incoming.bytes().toString('utf8');
    expect(response).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(response).toMatch(/Content-Type: text\/plain/);
    expect(response).toMatch(/connection refused \(ECONNREFUSED\)/);
    const events = await endedConnection(harness, '/refused');
    expect(events.some((e) => e.type === 'error' && e.code === 'ECONNREFUSED' && e.leg === 'upstream')).toBe(
      true,
    );
    expect(
      events.some((e) => e.type === 'http-response' && e.leg === 'downstream' && e.head.status === 502),
    ).toBe(true);
  });

  it('answers 502 naming the TLS error when the upstream certificate is not trusted', async () => {
    const server = await startTappedWsServer(() => undefined, { cert: selfSignedCert() });
    cleanups.push(() => server.close());
    const { harness, port } = await reverseProxy(server.url);
    const client = tappedConnection(port);
    client.socket.write(upgradeRequest('/untrusted', 'x').head);
    await waitClosed(client.socket);
    const response = client.incoming.bytes().toString('utf8');
    expect(response).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(response).toMatch(/TLS handshake failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    const events = await endedConnection(harness, '/untrusted');
    expect(events.some((e) => e.type === 'error' && e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT')).toBe(true);
    expect(events.some((e) => e.type === 'http-response' && e.head.status === 502)).toBe(true);
  });

  it('answers 502 when the upstream name does not resolve', async () => {
    const { harness, port } = await reverseProxy('ws://no-such-host.invalid:9/');
    const client = tappedConnection(port);
    client.socket.write(upgradeRequest('/dns', 'x').head);
    await waitClosed(client.socket);
    expect(client.incoming.bytes().toString('utf8')).toMatch(/^HTTP\/1\.1 502 [^]*DNS lookup failed/);
    const events = await endedConnection(harness, '/dns');
    expect(events.some((e) => e.type === 'error' && e.leg === 'upstream' && /^E/.test(e.code))).toBe(true);
  });

  it('answers 504 when the upstream accepts but never responds', async () => {
    const server = await rawServer(() => undefined);
    const { harness, port } = await reverseProxy(`ws://127.0.0.1:${server.port}`, { responseTimeoutMs: 300 });
    const client = tappedConnection(port);
    const started = Date.now();
    client.socket.write(upgradeRequest('/silent', 'x').head);
    await waitClosed(client.socket);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const response = client.incoming.bytes().toString('utf8');
    expect(response).toMatch(/^HTTP\/1\.1 504 Gateway Timeout\r\n/);
    expect(response).toMatch(/no complete HTTP head within 300 ms/);
    const events = await endedConnection(harness, '/silent');
    expect(events.some((e) => e.type === 'error' && e.code === 'ETIMEDOUT')).toBe(true);
  });

  it('relays a non-101 upstream answer as is and records it on both legs', async () => {
    const body = 'nope, not here';
    const server = await rawServer(
      () => `HTTP/1.1 403 Forbidden\r\nX-Custom: Kept\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    const { harness, port } = await reverseProxy(`ws://127.0.0.1:${server.port}`);
    const client = tappedConnection(port);
    const serverSide = server.nextConnection();
    client.socket.write(upgradeRequest('/forbidden', 'x').head);
    await readUntil(client.incoming, client.socket, (all) => all.toString().endsWith(body));
    const side = await serverSide;
    expect(sha256(client.incoming.bytes())).toBe(sha256(side.outgoing.bytes()));
    client.socket.end();
    side.socket.end();
    const events = await endedConnection(harness, '/forbidden');
    const responses = events.filter((e) => e.type === 'http-response');
    expect(responses.map((e) => e.type === 'http-response' && `${e.leg}:${e.head.status}`).sort()).toEqual([
      'downstream:403',
      'upstream:403',
    ]);
  });

  it('records a broken WebSocket attempt (Sec-WebSocket-Key without Upgrade)', async () => {
    const server = await startTappedWsServer();
    cleanups.push(() => server.close());
    const { harness, port } = await reverseProxy(server.url);
    const client = tappedConnection(port);
    client.socket.write(
      'GET /broken HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await readUntil(client.incoming, client.socket, (all) => all.toString().includes('plain http ok'));
    client.socket.end();
    const events = await endedConnection(harness, '/broken');
    expect(typesOf(events)).toContain('http-request/downstream');
    expect(events.some((e) => e.type === 'http-response' && e.head.status === 200)).toBe(true);
  });
});

describe('reverse proxy: hostile input', () => {
  it('answers garbage with 400, drops idle and oversized heads, and keeps serving', async () => {
    const server = await startTappedWsServer((ws) => ws.on('message', (data) => ws.send(data)));
    cleanups.push(() => server.close());
    const { port } = await reverseProxy(server.url, { headTimeoutMs: 300 });

    const garbage = tappedConnection(port);
    garbage.socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
    await waitClosed(garbage.socket);
    expect(garbage.incoming.bytes().toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request/);

    const huge = tappedConnection(port);
    huge.socket.write(`GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}`);
    await waitClosed(huge.socket);
    expect(huge.incoming.bytes().toString('latin1')).toMatch(/^HTTP\/1\.1 400 [^]*larger than/);

    const idle = tappedConnection(port);
    idle.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await waitClosed(idle.socket);

    const ws = new WebSocket(`ws://127.0.0.1:${port}/still-fine`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('ok');
    const reply = await new Promise<Buffer>((resolve) => ws.once('message', resolve));
    expect(reply.toString()).toBe('ok');
    ws.close();
  });
});

describe('reverse proxy under load', () => {
  it('serves and records 500 concurrent connections', async () => {
    const server = await startTappedWsServer((ws) => ws.on('message', (data) => ws.send(data)));
    cleanups.push(() => server.close());
    const { harness, port } = await reverseProxy(server.url);
    const count = 500;
    const results = await Promise.all(
      Array.from(
        { length: count },
        (_, i) =>
          new Promise<string>((resolve, reject) => {
            const ws = new WebSocket(`ws://127.0.0.1:${port}/many/${i}`, { perMessageDeflate: false });
            ws.on('error', reject);
            ws.on('open', () => ws.send(`m${i}`));
            ws.on('message', (data: Buffer) => {
              ws.close();
              resolve(data.toString());
            });
          }),
      ),
    );
    expect(new Set(results).size).toBe(count);
    const events = await harness.waitFor(
      (all) => all.filter((e) => e.type === 'end').length >= count,
      20_000,
    );
    expect(events.filter((e) => e.type === 'connection')).toHaveLength(count);
    expect(events.filter((e) => e.type === 'frame').length).toBeGreaterThanOrEqual(count * 4);
    const proxies = await harness.inspector.listProxies(undefined);
    expect(proxies[0]?.connections).toBeLessThanOrEqual(count);
  }, 60_000);
});
