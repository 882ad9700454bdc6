import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { injectFaultRequest, startProxyRequest } from '../../../shared/api/contract.js';
import type { ProxyFaults } from '../../../shared/api/contract.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { proxyHarness, ofConn } from '../../helpers/proxy-harness.js';
import type { ProxyHarness } from '../../helpers/proxy-harness.js';
import { startEchoServer } from '../../helpers/ws-servers.js';
import type { RunningWsServer } from '../../helpers/ws-servers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Setup {
  harness: ProxyHarness;
  server: RunningWsServer;
  url: string;
}

async function setup(faults?: ProxyFaults): Promise<Setup> {
  const server = await startEchoServer();
  cleanups.push(() => server.close());
  const harness = proxyHarness({ capture: 'inline' });
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({
    mode: 'reverse',
    target: server.url,
    ...(faults ? { faults } : {}),
  });
  return { harness, server, url: `ws://${info.address}/` };
}

interface Observed {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string; error?: string; at: number }>;
}

function client(url: string): Observed {
  const ws = new WebSocket(url);
  let error: string | undefined;
  ws.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => {
      // ws swallows its socket's errors; the reset is visible on the socket itself.
      const socket = (ws as unknown as { _socket: Socket })._socket;
      socket.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
      resolve();
    });
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  opened.catch(() => undefined);
  const closed = new Promise<{ code: number; reason: string; error?: string; at: number }>((resolve) =>
    ws.once('close', (code, reason) =>
      resolve({ code, reason: reason.toString(), ...(error ? { error } : {}), at: performance.now() }),
    ),
  );
  cleanups.push(() => ws.terminate());
  return { ws, opened, closed };
}

/** The id of the latest proxied connection that is open. */
async function openConn(harness: ProxyHarness): Promise<string> {
  const events = await harness.waitFor((all) => all.some((e) => e.type === 'open'));
  const open = [...events].reverse().find((e) => e.type === 'open');
  return open!.conn;
}

const echo = (ws: WebSocket, text: string): Promise<number> =>
  new Promise((resolve) => {
    const started = performance.now();
    ws.once('message', () => resolve(performance.now() - started));
    ws.send(text);
  });

async function endedEvents(harness: ProxyHarness, conn: string): Promise<CaptureEvent[]> {
  const all = await harness.waitFor((events) => events.some((e) => e.conn === conn && e.type === 'end'));
  return ofConn(all, conn);
}

function analysisOf(events: CaptureEvent[]) {
  return analyzeSession({ header: { startedAt: 0 }, events });
}

describe('fault injection on a proxied connection', () => {
  it('FIN to both sides: 1006 on both ends, recorded as a fault, blamed on the inspector', async () => {
    const { harness, server, url } = await setup();
    const c = client(url);
    await c.opened;
    const conn = await openConn(harness);
    expect(await echo(c.ws, 'hello')).toBeGreaterThanOrEqual(0);
    const serverClosed = new Promise<number>((resolve) => server.clients[0]!.once('close', resolve));
    await harness.inspector.injectFault({ conn, fault: { kind: 'fin' } });
    expect((await c.closed).code).toBe(1006);
    expect(await serverClosed).toBe(1006);

    const events = await endedEvents(harness, conn);
    const fault = events.find((e) => e.type === 'action' && e.action === 'fault');
    expect(fault).toMatchObject({ fault: { kind: 'fin', side: 'both' } });
    const { connections, findings } = analysisOf(events);
    expect(connections[0]?.closeInitiator).toBe('inspector');
    expect(connections[0]?.browserCloseCode).toBe(1006);
    const injected = findings.find((f) => f.id === 'fault.injected');
    expect(injected?.title).toBe(
      "Dropped by the inspector's fault injection (TCP FIN without a close frame to both sides)",
    );
    expect(findings.map((f) => f.id)).not.toContain('close.abnormal');
  });

  it('RST to the client: ECONNRESET and 1006 for the client', async () => {
    const { harness, url } = await setup();
    const c = client(url);
    await c.opened;
    const conn = await openConn(harness);
    await harness.inspector.injectFault({ conn, fault: { kind: 'rst', side: 'client' } });
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
    expect(closed.error).toBe('ECONNRESET');
  });

  it('close frame with a chosen code to both sides, then TCP closed', async () => {
    const { harness, server, url } = await setup();
    const c = client(url);
    await c.opened;
    const conn = await openConn(harness);
    const serverClosed = new Promise<[number, string]>((resolve) =>
      server.clients[0]!.once('close', (code, reason) => resolve([code, reason.toString()])),
    );
    await harness.inspector.injectFault({ conn, fault: { kind: 'close', code: 4001, reason: 'fault test' } });
    const closed = await c.closed;
    expect([closed.code, closed.reason]).toEqual([4001, 'fault test']);
    expect(await serverClosed).toEqual([4001, 'fault test']);
    const events = await endedEvents(harness, conn);
    const closeFrames = events.filter((e) => e.type === 'frame' && e.frame.opcode === 8);
    expect(closeFrames.length).toBeGreaterThanOrEqual(1);
    expect(analysisOf(events).connections[0]?.closeInitiator).toBe('inspector');
  });

  it('stall holds delivery until it ends; resume releases it at once', async () => {
    const { harness, url } = await setup();
    const c = client(url);
    await c.opened;
    const conn = await openConn(harness);
    await harness.inspector.injectFault({ conn, fault: { kind: 'stall', direction: 's2c', ms: 400 } });
    expect(await echo(c.ws, 'stalled')).toBeGreaterThanOrEqual(350);
    await harness.inspector.injectFault({ conn, fault: { kind: 'stall', direction: 'c2s' } });
    const pending = echo(c.ws, 'held');
    await new Promise((resolve) => setTimeout(resolve, 300));
    await harness.inspector.injectFault({ conn, fault: { kind: 'resume' } });
    const took = await pending;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2000);
  });

  it('latency delays each hop by at least N ms and keeps the order', async () => {
    const { harness, url } = await setup();
    const c = client(url);
    await c.opened;
    const conn = await openConn(harness);
    await harness.inspector.injectFault({ conn, fault: { kind: 'latency', ms: 100 } });
    const received: string[] = [];
    c.ws.on('message', (data: Buffer) => received.push(data.toString()));
    const took = await echo(c.ws, 'm0');
    expect(took).toBeGreaterThanOrEqual(195);
    for (let i = 1; i <= 20; i++) c.ws.send(`m${i}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(received).toEqual(Array.from({ length: 21 }, (_, i) => `m${i}`));
    await harness.inspector.injectFault({ conn, fault: { kind: 'latency', ms: 0 } });
    expect(await echo(c.ws, 'fast')).toBeLessThan(100);
  });

  it('rejects injection into an unknown connection and bad fault values', async () => {
    const { harness } = await setup();
    await expect(harness.inspector.injectFault({ conn: 'c999', fault: { kind: 'fin' } })).rejects.toThrow(
      /no open proxied WebSocket connection "c999"/,
    );
    expect(() => injectFaultRequest({ conn: 'c1', fault: { kind: 'explode' } })).toThrow(/fault.kind/);
    expect(() => injectFaultRequest({ conn: 'c1', fault: { kind: 'close', code: 1006 } })).toThrow(
      /close code that may be sent/,
    );
    expect(() => injectFaultRequest({ conn: 'c1', fault: { kind: 'latency', ms: -1 } })).toThrow(/fault.ms/);
    expect(() => injectFaultRequest({ conn: 'c1', fault: { kind: 'fin', side: 'nobody' } })).toThrow(
      /fault.side/,
    );
    expect(() =>
      startProxyRequest({ mode: 'reverse', target: 'ws://x', faults: { idleDrop: 'rst' } }),
    ).toThrow(/idleDrop only with idleTimeoutMs/);
    expect(() =>
      startProxyRequest({
        mode: 'reverse',
        target: 'ws://x',
        faults: { rejectUpgradePercent: 70, dropAfterUpgradePercent: 40 },
      }),
    ).toThrow(/at most 100/);
  });
});

describe('whole-proxy faults', () => {
  it('idle timeout drops after ~N ms of silence, not while traffic flows, and says so', async () => {
    const { harness, url } = await setup({ idleTimeoutMs: 1000 });
    const c = client(url);
    await c.opened;
    const conn = await openConn(harness);
    const busyUntil = performance.now() + 1600;
    while (performance.now() < busyUntil) {
      await echo(c.ws, 'keepalive');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const quietFrom = performance.now();
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
    const quietFor = closed.at - quietFrom;
    expect(quietFor).toBeGreaterThanOrEqual(700);
    expect(quietFor).toBeLessThan(1600);
    const { findings, connections } = analysisOf(await endedEvents(harness, conn));
    expect(connections[0]?.closeInitiator).toBe('inspector');
    expect(findings.find((f) => f.id === 'fault.injected')?.title).toBe(
      "Dropped by the inspector's fault injection (idle timeout 1 s, TCP FIN to both sides)",
    );
    expect(findings.map((f) => f.id)).not.toContain('close.idle-drop');
  });

  it('idle timeout with RST: the client sees a reset', async () => {
    const { url } = await setup({ idleTimeoutMs: 500, idleDrop: 'rst' });
    const c = client(url);
    await c.opened;
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
    expect(closed.error).toBe('ECONNRESET');
  });

  it('maximum lifetime drops even with traffic', async () => {
    const { url } = await setup({ maxLifetimeMs: 800 });
    const c = client(url);
    const started = performance.now();
    await c.opened;
    const timer = setInterval(() => c.ws.readyState === WebSocket.OPEN && c.ws.send('busy'), 100);
    cleanups.push(() => clearInterval(timer));
    const closed = await c.closed;
    expect(closed.code).toBe(1006);
    expect(closed.at - started).toBeGreaterThanOrEqual(750);
    expect(closed.at - started).toBeLessThan(1800);
  });

  it('rejects exactly the given share of upgrades with the chosen status', async () => {
    const { harness, url } = await setup({ rejectUpgradePercent: 50, rejectStatus: 503 });
    let opened = 0;
    let rejected = 0;
    for (let i = 0; i < 50; i++) {
      const c = client(url);
      try {
        await c.opened;
        opened++;
        c.ws.close();
      } catch (error) {
        expect(String(error)).toContain('HTTP 503');
        rejected++;
      }
    }
    expect(rejected).toBe(25);
    expect(opened).toBe(25);
    const events = await harness.events();
    const faults = events.filter((e) => e.type === 'action' && e.fault?.kind === 'reject-upgrade');
    expect(faults).toHaveLength(25);
  });

  it('drops the given share right after the 101', async () => {
    const { url } = await setup({ dropAfterUpgradePercent: 20 });
    const codes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const c = client(url);
      await c.opened;
      const race = await Promise.race([
        c.closed.then((x) => x.code),
        new Promise<number>((resolve) => setTimeout(() => resolve(0), 150)),
      ]);
      if (race === 0) c.ws.close();
      codes.push(race);
    }
    expect(codes.filter((code) => code === 1006)).toHaveLength(10);
    expect(codes.filter((code) => code === 0)).toHaveLength(40);
  });
});
