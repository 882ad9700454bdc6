import { afterEach, describe, expect, it } from 'vitest';
import type { ReconnectNotice } from '../../../shared/api/contract.js';
import { connectRequest, stormRequest } from '../../../shared/api/contract.js';
import { applyAuth, withQueryParameter } from '../../../shared/connect/auth.js';
import type { ConnectionEvent } from '../../../shared/model/events.js';
import { reconnectDelay } from '../../../main/client/reconnect-policy.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { framesOf, ofType, record, text } from './helpers.js';

let server: RunningWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('auth', () => {
  it('the pure helper adds headers or a query parameter without touching its inputs', () => {
    const headers = [{ name: 'X-A', value: '1' }];
    expect(applyAuth('ws://h/p', headers, { kind: 'bearer', token: 't0k' }).headers).toEqual([
      { name: 'X-A', value: '1' },
      { name: 'Authorization', value: 'Bearer t0k' },
    ]);
    expect(headers).toHaveLength(1);
    expect(applyAuth('ws://h/', [], { kind: 'basic', user: 'åsa', password: 'p:w' }).headers[0]?.value).toBe(
      `Basic ${Buffer.from('åsa:p:w').toString('base64')}`,
    );
    expect(withQueryParameter('ws://h/p', 'access token', 'a&b')).toBe('ws://h/p?access%20token=a%26b');
    expect(withQueryParameter('ws://h/p?x=1', 't', 'v')).toBe('ws://h/p?x=1&t=v');
    expect(() =>
      applyAuth('ws://h/', [{ name: 'authorization', value: 'x' }], { kind: 'bearer', token: 't' }),
    ).toThrow(/Authorization header were both given/);
  });

  it.each([
    [{ kind: 'bearer', token: 'abc.def' }, 'authorization', 'Bearer abc.def'],
    [
      { kind: 'basic', user: 'qa', password: 's3cret' },
      'authorization',
      `Basic ${Buffer.from('qa:s3cret').toString('base64')}`,
    ],
  ] as const)('a real server sees %o', async (auth, header, expected) => {
    server = await startWsServer((socket) => socket.close(1000));
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url, auth });
    const events = await rec.ended(conn);
    expect(server.requests[0]?.headers[header]).toBe(expected);
    const sent = ofType(events, 'http-request')[0]?.head.headers.find((h) => h.name === 'Authorization');
    expect(sent?.value).toBe(expected);
    expect(ofType(events, 'connection')[0]?.options?.auth).toBe(auth.kind);
    expect(JSON.stringify(ofType(events, 'connection'))).not.toContain('s3cret');
    await rec.inspector.dispose();
  });

  it('a query token reaches the server in the request target', async () => {
    server = await startWsServer((socket) => socket.close(1000));
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: `${server.url}/feed?v=2`,
      auth: { kind: 'query', name: 'token', value: 'a b/c' },
    });
    const events = await rec.ended(conn);
    expect(server.requests[0]?.url).toBe('/feed?v=2&token=a%20b%2Fc');
    expect(ofType(events, 'http-request')[0]?.head.target).toBe('/feed?v=2&token=a%20b%2Fc');
    await rec.inspector.dispose();
  });
});

describe('heartbeat', () => {
  it('sends a text message at the interval while open', async () => {
    const received: string[] = [];
    server = await startWsServer((socket) =>
      socket.on('message', (data) => received.push((data as Buffer).toString())),
    );
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: server.url,
      heartbeat: { intervalMs: 50, kind: 'message', message: '{"op":"hb"}' },
    });
    await rec.waitFor((e) => e.conn === conn && e.type === 'open');
    await sleep(340);
    await rec.inspector.close({ conn });
    const events = await rec.ended(conn);
    expect(received.length).toBeGreaterThanOrEqual(4);
    expect(received.length).toBeLessThanOrEqual(8);
    expect(new Set(received)).toEqual(new Set(['{"op":"hb"}']));
    const sentText = framesOf(events).filter((f) => f.dir === 'c2s' && f.opcode === 1);
    expect(sentText.length).toBe(received.length);
    expect(ofType(events, 'connection')[0]?.options?.heartbeat).toEqual({
      intervalMs: 50,
      kind: 'message',
      message: '{"op":"hb"}',
    });
    await rec.inspector.dispose();
  });

  it('sends protocol pings with a payload at the interval', async () => {
    server = await startWsServer();
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: server.url,
      heartbeat: { intervalMs: 50, kind: 'ping', message: 'hb' },
    });
    await rec.waitFor((e) => e.conn === conn && e.type === 'open');
    await sleep(340);
    await rec.inspector.close({ conn });
    const frames = framesOf(await rec.ended(conn));
    const pings = frames.filter((f) => f.dir === 'c2s' && f.opcode === 9);
    expect(pings.length).toBeGreaterThanOrEqual(4);
    expect(pings.length).toBeLessThanOrEqual(8);
    expect(pings.every((p) => text(p.data) === 'hb')).toBe(true);
    expect(frames.filter((f) => f.dir === 's2c' && f.opcode === 10).length).toBeGreaterThanOrEqual(4);
    await rec.inspector.dispose();
  });
});

describe('reconnect', () => {
  it('backoff delays grow by the factor, are capped, and jitter only shortens them', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1_000, factor: 3 };
    expect([1, 2, 3, 4].map((n) => reconnectDelay(policy, n))).toEqual([100, 300, 900, 1_000]);
    expect(reconnectDelay({ ...policy, jitter: 0.5 }, 2, () => 0.999)).toBe(150);
    expect(reconnectDelay({ ...policy, jitter: 0.5 }, 2, () => 0)).toBe(300);
  });

  const dropEveryConnection = () => startWsServer((socket) => setTimeout(() => socket.terminate(), 10));

  it('opens a new linked connection after each abnormal end, with growing delays, until maxAttempts', async () => {
    server = await dropEveryConnection();
    const rec = record();
    const notices: ReconnectNotice[] = [];
    rec.inspector.on('reconnect', (n) => notices.push(n));
    const { conn } = await rec.inspector.connect({
      url: server.url,
      reconnect: { initialDelayMs: 40, maxDelayMs: 1_000, factor: 2, maxAttempts: 3 },
    });
    const deadline = Date.now() + 5_000;
    while (!notices.some((n) => n.state === 'exhausted') && Date.now() < deadline) await sleep(20);
    rec.inspector.flush();
    const connections = ofType(rec.events, 'connection');
    expect(connections).toHaveLength(4);
    expect(connections.map((c) => [c.reconnectOf, c.attempt, c.reconnectDelayMs])).toEqual([
      [undefined, undefined, undefined],
      [conn, 1, 40],
      [connections[1]?.conn, 2, 80],
      [connections[2]?.conn, 3, 160],
    ]);
    const startOf = (c: ConnectionEvent) => c.t;
    const endOf = (id: string) => rec.events.find((e) => e.conn === id && e.type === 'end')?.t ?? 0;
    for (let i = 1; i < connections.length; i++) {
      const [prev, next] = [connections[i - 1], connections[i]];
      if (!prev || !next) continue;
      expect(startOf(next) - endOf(prev.conn)).toBeGreaterThanOrEqual((next.reconnectDelayMs ?? 0) - 2);
    }
    expect(notices.map((n) => n.state)).toEqual(['scheduled', 'scheduled', 'scheduled', 'exhausted']);
    expect(server.clients).toHaveLength(4);
    await rec.inspector.dispose();
  });

  it('stops when the user closes the latest connection of the chain, even while waiting', async () => {
    server = await dropEveryConnection();
    const rec = record();
    const notices: ReconnectNotice[] = [];
    rec.inspector.on('reconnect', (n) => notices.push(n));
    const { conn } = await rec.inspector.connect({
      url: server.url,
      reconnect: { initialDelayMs: 300, maxDelayMs: 300 },
    });
    await rec.ended(conn);
    await sleep(20);
    expect(notices.at(-1)).toMatchObject({ state: 'scheduled', conn, attempt: 1, delayMs: 300 });
    await rec.inspector.close({ conn });
    await sleep(450);
    rec.inspector.flush();
    expect(ofType(rec.events, 'connection')).toHaveLength(1);
    expect(notices.at(-1)).toMatchObject({ state: 'stopped', chain: conn });
    await rec.inspector.dispose();
  });

  it('does not reconnect after a user close of an open connection; stopReconnect leaves it open', async () => {
    server = await startWsServer();
    const rec = record();
    const options = { url: server.url, reconnect: { initialDelayMs: 20, maxDelayMs: 20 } };
    const first = await rec.inspector.connect(options);
    await rec.waitFor((e) => e.conn === first.conn && e.type === 'open');
    await rec.inspector.close({ conn: first.conn });
    await rec.ended(first.conn);

    const second = await rec.inspector.connect(options);
    await rec.waitFor((e) => e.conn === second.conn && e.type === 'open');
    await rec.inspector.stopReconnect({ conn: second.conn });
    for (const client of server.clients) client.terminate();
    await rec.ended(second.conn);
    await sleep(100);
    rec.inspector.flush();
    expect(ofType(rec.events, 'connection').map((c) => c.conn)).toEqual([first.conn, second.conn]);
    await rec.inspector.dispose();
  });
});

describe('storm', () => {
  it('opens N connections with bounded concurrency, holds and closes each, all recorded', async () => {
    let open = 0;
    let maxOpen = 0;
    server = await startWsServer((socket) => {
      maxOpen = Math.max(maxOpen, ++open);
      socket.on('close', () => open--);
    });
    const rec = record();
    const { conns } = await rec.inspector.runStorm({
      url: server.url,
      count: 12,
      concurrency: 3,
      intervalMs: 5,
      holdMs: 30,
    });
    expect(conns).toHaveLength(12);
    expect(maxOpen).toBeLessThanOrEqual(3);
    rec.inspector.flush();
    for (const conn of conns) {
      const events = rec.events.filter((e) => e.conn === conn);
      expect(events.map((e) => e.type)).toContain('open');
      expect(events.at(-1)?.type).toBe('end');
      expect(framesOf(events).find((f) => f.dir === 'c2s' && f.opcode === 8)?.close?.code).toBe(1000);
    }
    await rec.inspector.dispose();
  });

  it('the contract method resolves with the ids once all have started', async () => {
    server = await startWsServer();
    const rec = record();
    const { conns } = await rec.inspector.storm({ url: server.url, count: 5 });
    expect(conns).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    await Promise.all(conns.map((conn) => rec.ended(conn)));
    await rec.inspector.dispose();
  });
});

describe('validators', () => {
  const rejects = (validate: (v: unknown) => unknown, payload: unknown, message: RegExp) =>
    expect(() => validate(payload)).toThrow(message);

  it('reject bad connect options with the path and what was expected', () => {
    const url = 'ws://127.0.0.1:1/';
    rejects(
      connectRequest,
      { url, heartbeat: { intervalMs: -5, kind: 'ping' } },
      /heartbeat\.intervalMs: expected integer >= 10/,
    );
    rejects(
      connectRequest,
      { url, heartbeat: { intervalMs: 100, kind: 'message' } },
      /heartbeat: expected a non-empty message/,
    );
    rejects(
      connectRequest,
      { url, heartbeat: { intervalMs: 100, kind: 'ping', message: 'x'.repeat(126) } },
      /at most 125 bytes/,
    );
    rejects(
      connectRequest,
      { url, heartbeat: { intervalMs: 100, kind: 'pong' } },
      /heartbeat\.kind: expected one of ping, message/,
    );
    rejects(
      connectRequest,
      { url, pingIntervalMs: 100, heartbeat: { intervalMs: 100, kind: 'ping' } },
      /either pingIntervalMs or a ping heartbeat/,
    );
    rejects(
      connectRequest,
      { url, reconnect: { initialDelayMs: -1, maxDelayMs: 10 } },
      /reconnect\.initialDelayMs: expected integer >= 10/,
    );
    rejects(
      connectRequest,
      { url, reconnect: { initialDelayMs: 500, maxDelayMs: 100 } },
      /maxDelayMs \(100\) >= initialDelayMs \(500\)/,
    );
    rejects(
      connectRequest,
      { url, reconnect: { initialDelayMs: 10, maxDelayMs: 10, factor: 1e6 } },
      /factor: expected number <= 10/,
    );
    rejects(
      connectRequest,
      { url, reconnect: { initialDelayMs: 10, maxDelayMs: 10, jitter: 2 } },
      /jitter: expected number <= 1/,
    );
    rejects(
      connectRequest,
      { url, auth: { kind: 'oauth' } },
      /auth\.kind: expected one of bearer, basic, query/,
    );
    rejects(
      connectRequest,
      { url, auth: { kind: 'basic', user: 'a:b', password: '' } },
      /auth\.user: expected a user name without ":"/,
    );
    rejects(
      connectRequest,
      { url, auth: { kind: 'bearer', token: '' } },
      /auth\.token: expected string of at least 1/,
    );
    rejects(stormRequest, { url, count: 10_001 }, /count: expected integer <= 10000/);
    rejects(stormRequest, { url, count: 5, holdMs: -1 }, /holdMs: expected integer >= 0/);
    expect(connectRequest({ url, auth: { kind: 'query', name: 't', value: 'v' } })).toEqual({
      url,
      auth: { kind: 'query', name: 't', value: 'v' },
    });
  });
});
