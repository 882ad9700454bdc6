import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { HttpRequestEvent, HttpResponseEvent } from '../../../shared/model/events.js';
import { endedConnection, proxyHarness } from '../../helpers/proxy-harness.js';
import type { ProxyHarness } from '../../helpers/proxy-harness.js';
import type { SelfSigned, ServerSide, TappedWsServer } from '../../helpers/proxy-wire.js';
import { selfSignedCert, sha256, startTappedWsServer, tappedConnection } from '../../helpers/proxy-wire.js';

type ClientTap = ReturnType<typeof tappedConnection>;

function openThrough(
  proxyPort: number,
  path = '/chat?room=1',
  options: { perMessageDeflate?: boolean; headers?: Record<string, string> } = {},
): Promise<{ ws: WebSocket; tap: ClientTap }> {
  let tap: ClientTap | undefined;
  const ws = new WebSocket(`ws://127.0.0.1:${proxyPort}${path}`, {
    perMessageDeflate: options.perMessageDeflate ?? false,
    maxPayload: 64 * 1024 * 1024,
    ...(options.headers ? { headers: options.headers } : {}),
    createConnection: () => {
      tap = tappedConnection(proxyPort);
      return tap.socket;
    },
  });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, tap: tap! }));
    ws.once('error', reject);
  });
}

const closed = (ws: WebSocket): Promise<void> =>
  new Promise((resolve) =>
    ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve()),
  );

/** Waits until both ends saw the same number of bytes in each direction (the relay is asynchronous). */
async function settled(client: ClientTap, server: ServerSide): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (
      client.outgoing.afterHead().length === server.incoming.size &&
      server.outgoing.afterHead().length === client.incoming.afterHead().length
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectSameStreams(client: ClientTap, server: ServerSide): void {
  // c2s: everything after the request head is identical; s2c: the whole response, head included.
  expect(server.incoming.size).toBe(client.outgoing.afterHead().length);
  expect(sha256(server.incoming.bytes())).toBe(sha256(client.outgoing.afterHead()));
  expect(sha256(client.incoming.bytes())).toBe(sha256(server.outgoing.bytes()));
}

describe.each([
  { name: 'ws', tls: false },
  { name: 'wss upstream (self-signed, --insecure)', tls: true },
])('reverse proxy to $name', ({ tls }) => {
  let cert: SelfSigned | undefined;
  let server: TappedWsServer;
  let harness: ProxyHarness;
  let proxyPort: number;

  beforeAll(async () => {
    cert = tls ? selfSignedCert() : undefined;
    server = await startTappedWsServer(
      (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        ws.on('ping', () => undefined);
      },
      { ...(cert ? { cert } : {}), ws: { perMessageDeflate: { threshold: 0 } } },
    );
    harness = proxyHarness();
    const info = await harness.inspector.startProxy({ mode: 'reverse', target: server.url, insecure: tls });
    proxyPort = Number(info.address.split(':').pop());
    expect(info.address.startsWith('127.0.0.1:')).toBe(true);
  });
  afterAll(async () => {
    await harness.dispose();
    await server.close();
  });

  it('relays text, binary, fragmented and control-interleaved frames byte for byte and records both legs', async () => {
    const serverSide = server.nextConnection();
    const { ws, tap } = await openThrough(proxyPort);
    const side = await serverSide;
    const replies: string[] = [];
    ws.on('message', (data) => replies.push((data as Buffer).toString()));
    ws.send('hello');
    ws.send(Buffer.from([0, 1, 2, 3, 255]));
    ws.send('frag-1 ', { fin: false });
    ws.ping('between');
    ws.send('frag-2 ', { fin: false });
    ws.pong('unsolicited');
    ws.send('frag-3', { fin: true });
    await new Promise<void>((resolve) => ws.once('pong', () => resolve()));
    while (replies.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(replies).toContain('frag-1 frag-2 frag-3');
    ws.close(1000, 'bye');
    await closed(ws);
    await settled(tap, side);
    expectSameStreams(tap, side);

    const mine = await endedConnection(harness, '/chat?room=1');
    const requests = mine.filter((e): e is HttpRequestEvent => e.type === 'http-request');
    const responses = mine.filter((e): e is HttpResponseEvent => e.type === 'http-response');
    expect(requests.map((e) => e.leg).sort()).toEqual(['downstream', 'upstream']);
    expect(responses.map((e) => e.leg).sort()).toEqual(['downstream', 'upstream']);
    // The client's head as received and the head sent upstream differ only in Host.
    const down = requests.find((e) => e.leg === 'downstream')!.head.raw;
    const up = requests.find((e) => e.leg === 'upstream')!.head.raw;
    expect(down).toBe(tap.outgoing.head());
    expect(up).toBe(side.head);
    expect(up.replace(/^Host: .*$/m, '')).toBe(down.replace(/^Host: .*$/m, ''));
    const frames = mine.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
    expect(frames).toHaveLength(13);
    expect(frames.filter((f) => f.opcode === 9)).toHaveLength(1);
    expect(frames.some((f) => f.opcode === 0 && f.dir === 'c2s')).toBe(true);
    expect(mine.at(-1)?.type).toBe('end');
    // Both directions interleave in the order the relay saw them.
    const times = mine.map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('relays permessage-deflate and a 16 MiB message unchanged', async () => {
    const serverSide = server.nextConnection();
    const { ws, tap } = await openThrough(proxyPort, '/big', { perMessageDeflate: true });
    const side = await serverSide;
    // Random, so it stays ~16 MiB on the wire even compressed.
    const big = randomBytes(16 * 1024 * 1024);
    const received: Buffer[] = [];
    ws.on('message', (data: Buffer) => received.push(data));
    ws.send('compress me compress me compress me');
    ws.send(big);
    while (received.length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sha256(received[1]!)).toBe(sha256(big));
    expect(tap.outgoing.head()).toMatch(/permessage-deflate/);
    ws.close();
    await closed(ws);
    await settled(tap, side);
    expectSameStreams(tap, side);
    const mine = await endedConnection(harness, '/big');
    const frames = mine.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));
    expect(frames.some((f) => f.rsv1 && f.dir === 'c2s')).toBe(true);
    expect(frames.some((f) => f.dir === 's2c' && f.payloadLength > 16_000_000)).toBe(true);
    expect(frames.flatMap((f) => f.violations ?? [])).toEqual([]);
  });

  it('passes plain HTTP requests through', async () => {
    const res = await fetch(`http://127.0.0.1:${proxyPort}/status`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('plain http ok');
  });
});
