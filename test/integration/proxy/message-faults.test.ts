import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientOptions } from 'ws';
import { startProxyRequest } from '../../../shared/api/contract.js';
import type { ProxyFaults } from '../../../shared/api/contract.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { ofConn, proxyHarness } from '../../helpers/proxy-harness.js';
import type { ProxyHarness } from '../../helpers/proxy-harness.js';
import { encodeFrame, startRawServer, switchingProtocols } from '../../helpers/raw-servers.js';
import { startEchoServer, startWsServer } from '../../helpers/ws-servers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxyTo(target: string, faults: ProxyFaults): Promise<{ harness: ProxyHarness; url: string }> {
  const harness = proxyHarness({ capture: 'inline' });
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({ mode: 'reverse', target, faults });
  return { harness, url: `ws://${info.address}/` };
}

interface Client {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  messages: string[];
  status: Promise<number | undefined>;
}

function connect(url: string, options: ClientOptions = {}): Client {
  const ws = new WebSocket(url, options);
  ws.on('error', () => undefined);
  const messages: string[] = [];
  ws.on('message', (data: Buffer) => messages.push(data.toString()));
  const status = new Promise<number | undefined>((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => resolve(101));
    ws.once('close', () => resolve(undefined));
  });
  const opened = new Promise<void>((resolve) => ws.once('open', () => resolve()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  cleanups.push(() => ws.terminate());
  return { ws, opened, closed, messages, status };
}

async function ended(harness: ProxyHarness): Promise<CaptureEvent[]> {
  const all = await harness.waitFor((events) => events.some((e) => e.type === 'end'), 8000);
  const end = all.find((e) => e.type === 'end')!;
  return ofConn(all, end.conn);
}

const faultsOf = (events: CaptureEvent[]) =>
  events.flatMap((e) => (e.type === 'action' && e.action === 'fault' && e.fault ? [e.fault] : []));
const analysisOf = (events: CaptureEvent[]) => analyzeSession({ header: { startedAt: 0 }, events });
const until = async (check: () => boolean, timeoutMs = 3000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('faults the field reports describe', () => {
  it('--downgrade-http10: a Swoole-like backend answers 101 to HTTP/1.0 and closes; the analysis names the inspector', async () => {
    const heads: string[] = [];
    const server = await startRawServer((socket, upgrade) => {
      heads.push(upgrade.head);
      socket.write(switchingProtocols(upgrade));
      // HTTP/1.0 without keep-alive: the connection ends after the response, as Swoole does.
      if (upgrade.head.startsWith('GET / HTTP/1.0')) socket.end();
      else socket.write(encodeFrame({ opcode: 1, payload: 'welcome' }));
    });
    cleanups.push(() => server.close());
    const { harness, url } = await proxyTo(server.url, { downgradeHttp10: true });
    const c = connect(url, { headers: { Connection: 'keep-alive, Upgrade' } });
    await c.opened;
    expect((await c.closed).code).toBe(1006);
    expect(heads[0]).toMatch(/^GET \/ HTTP\/1\.0\r\n/);
    expect(heads[0]).toMatch(/\r\nConnection: Upgrade\r\n/);
    expect(heads[0]).not.toMatch(/keep-alive/i);

    const events = await ended(harness);
    expect(faultsOf(events)).toEqual([{ kind: 'downgrade-http10' }]);
    const upstreamRequest = events.find((e) => e.type === 'http-request' && e.leg === 'upstream');
    expect(upstreamRequest).toMatchObject({ head: { httpVersion: '1.0' } });
    const { connections, findings } = analysisOf(events);
    expect(connections[0]?.closeInitiator).toBe('server');
    const ids = findings.map((f) => f.id);
    expect(ids).toContain('fault.injected');
    expect(ids).not.toContain('close.after-upgrade');
    expect(ids).not.toContain('close.abnormal');
    const cause = findings.find((f) => f.id === 'fault.injected')!;
    expect(cause.title).toBe(
      "Failure provoked by the inspector's fault injection (upgrade sent upstream as HTTP/1.0 without keep-alive)",
    );
    expect(cause.detail).toContain('It explains what would otherwise be reported:');
  });

  it('--strip-upgrade: the upgrade arrives without Upgrade/Connection and a ws server answers 426', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    cleanups.push(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const port = (wss.address() as AddressInfo).port;
    const { harness, url } = await proxyTo(`ws://127.0.0.1:${port}`, { stripUpgrade: true });
    const c = connect(url);
    expect(await c.status).toBe(426);

    const events = await ended(harness);
    expect(faultsOf(events)).toEqual([{ kind: 'strip-upgrade' }]);
    const sent = events.find((e) => e.type === 'http-request' && e.leg === 'upstream');
    const names = sent?.type === 'http-request' ? sent.head.headers.map((h) => h.name.toLowerCase()) : [];
    expect(names).toContain('sec-websocket-key');
    expect(names).not.toContain('upgrade');
    expect(names).not.toContain('connection');
    const { findings } = analysisOf(events);
    const ids = findings.map((f) => f.id);
    expect(ids).not.toContain('handshake.rejected');
    const cause = findings.find((f) => f.id === 'fault.injected')!;
    expect(cause.title).toContain('Failure provoked by the inspector');
    expect(cause.detail).toContain('The server answered HTTP 426 instead of a 101.');
  });

  it('--suppress-pongs s2c: the client pings, the server answers, the client never sees the pong', async () => {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    const { harness, url } = await proxyTo(server.url, { suppressPongs: 's2c' });
    const c = connect(url);
    await c.opened;
    let pongs = 0;
    c.ws.on('pong', () => pongs++);
    c.ws.ping('are you there');
    c.ws.send('still relayed');
    await until(() => c.messages.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pongs).toBe(0);
    // The client's heartbeat gives up, as it would after a missing pong.
    c.ws.terminate();

    const events = await ended(harness);
    expect(faultsOf(events)).toEqual([{ kind: 'suppress-pongs', direction: 's2c', bytes: 15 }]);
    const pings = events.filter((e) => e.type === 'frame' && e.frame.opcode === 9);
    expect(pings).toHaveLength(1);
    expect(events.filter((e) => e.type === 'frame' && e.frame.opcode === 10)).toHaveLength(0);
    const cause = analysisOf(events).findings.find((f) => f.id === 'fault.injected')!;
    expect(cause.title).toBe(
      "Failure provoked by the inspector's fault injection (pong swallowed (server → client))",
    );
  });

  it('--drop-messages: a JSON path rule drops a whole fragmented, compressed message; the others pass', async () => {
    const deflate = { threshold: 0, serverNoContextTakeover: true, clientNoContextTakeover: true };
    const server = await startEchoServer({ perMessageDeflate: deflate });
    cleanups.push(() => server.close());
    const { harness, url } = await proxyTo(server.url, {
      dropMessages: [{ direction: 'c2s', rule: { jsonPath: '$.type', equals: 'auth' } }],
    });
    const c = connect(url, { perMessageDeflate: deflate });
    await c.opened;
    c.ws.send('{"type":', { fin: false });
    c.ws.send('"auth","token":"x"}', { fin: true });
    c.ws.send('{"type":"data","n":1}');
    c.ws.send('{"type":"auth"}');
    c.ws.send('{"type":"data","n":2}');
    await until(() => c.messages.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(c.messages).toEqual(['{"type":"data","n":1}', '{"type":"data","n":2}']);
    c.ws.close(1000);
    await c.closed;

    const events = await ended(harness);
    const drops = faultsOf(events);
    expect(drops).toHaveLength(2);
    expect(drops[0]).toMatchObject({
      kind: 'drop-message',
      direction: 'c2s',
      opcode: 1,
      rule: 'messages with $.type = "auth"',
    });
    const { findings } = analysisOf(events);
    expect(findings.filter((f) => f.id === 'fault.injected')[0]?.title).toMatch(
      /^The inspector injected a fault: text message of \d+ bytes dropped \(client → server; rule: messages with \$\.type = "auth"\)$/,
    );
  });

  it('--delay with jitter per direction, --bandwidth per direction: measured on the echo', async () => {
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    const { harness, url } = await proxyTo(server.url, {
      delay: { c2s: { ms: 150, jitterMs: 20 } },
      bandwidth: { s2c: 20_000 },
    });
    const c = connect(url);
    await c.opened;
    const started = performance.now();
    c.ws.send('ping');
    await until(() => c.messages.length === 1);
    const rtt = performance.now() - started;
    expect(rtt).toBeGreaterThanOrEqual(125);
    expect(rtt).toBeLessThan(1000);

    const big = 'x'.repeat(10_000);
    const sent = performance.now();
    c.ws.send(big);
    await until(() => c.messages.length === 2, 5000);
    // 10 kB at 20 kB/s takes 0.5 s on top of the delay.
    expect(performance.now() - sent).toBeGreaterThanOrEqual(600);
    expect(c.messages[1]).toBe(big);
    c.ws.close(1000);
    await c.closed;
    const events = await ended(harness);
    expect(faultsOf(events)).toEqual([
      { kind: 'delay', direction: 'c2s', ms: 150, jitterMs: 20 },
      { kind: 'bandwidth', direction: 's2c', bytesPerSecond: 20_000 },
    ]);
  });

  it('--close-after N:CODE:REASON: a close frame to both sides after the Nth message, blamed on the inspector', async () => {
    const serverCloses: number[] = [];
    const server = await startWsServer((socket) => {
      socket.on('message', (data) => socket.send(data));
      socket.on('close', (code) => serverCloses.push(code));
    });
    cleanups.push(() => server.close());
    const { harness, url } = await proxyTo(server.url, {
      closeAfter: { messages: 3, code: 4000, reason: 'enough' },
    });
    const c = connect(url);
    await c.opened;
    c.ws.send('one');
    await until(() => c.messages.length === 1);
    c.ws.send('two');
    const closed = await c.closed;
    expect(closed).toEqual({ code: 4000, reason: 'enough' });
    expect(c.messages).toEqual(['one']);
    await until(() => serverCloses.length === 1);
    expect(serverCloses).toEqual([4000]);

    const events = await ended(harness);
    expect(faultsOf(events)).toEqual([
      { kind: 'close', side: 'both', code: 4000, reason: 'enough', afterMessages: 3 },
    ]);
    const { connections, findings } = analysisOf(events);
    expect(connections[0]?.closeInitiator).toBe('inspector');
    expect(findings.find((f) => f.id === 'fault.injected')?.title).toBe(
      'Dropped by the inspector\'s fault injection (close frame 4000 "enough" to both sides after 3 messages)',
    );
  });

  it('refuses bad rules and values with a message naming the field', () => {
    const start = (faults: unknown) => () => startProxyRequest({ mode: 'reverse', target: 'ws://x', faults });
    expect(start({ dropMessages: [{ direction: 'c2s', rule: { regex: '(' } }] })).toThrow(
      /faults\.dropMessages\[0\]\.rule: expected invalid regex "\("/,
    );
    expect(start({ dropMessages: [{ direction: 'c2s', rule: { jsonPath: 'type' } }] })).toThrow(
      /a JSON path starts with "\$"/,
    );
    expect(start({ dropMessages: [{ direction: 'c2s', rule: {} }] })).toThrow(/needs at least one of/);
    expect(start({ suppressPongs: 'up' })).toThrow(/faults\.suppressPongs/);
    expect(start({ closeAfter: { messages: 0, code: 4000 } })).toThrow(/faults\.closeAfter\.messages/);
    expect(start({ closeAfter: { messages: 2, code: 1006 } })).toThrow(/close code that may be sent/);
    expect(start({ delay: { up: { ms: 5 } } })).toThrow(/faults\.delay\.up/);
  });
});
