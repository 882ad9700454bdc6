import { afterEach, describe, expect, it } from 'vitest';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { header } from '../../unit/analysis/builders.js';
import { framesOf, ofType, record } from './helpers.js';

let server: RunningWsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const findings = (events: CaptureEvent[]) => analyzeSession({ header, events }).findings;

describe('client pong timeout', () => {
  it('a ws server that never answers pings: the client drops the connection and the analyzer names why', async () => {
    let serverSawClose: number | undefined;
    server = await startWsServer((socket) => socket.on('close', (code) => (serverSawClose = code)), {
      autoPong: false,
    });
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: server.url,
      pingIntervalMs: 100,
      pongTimeoutMs: 300,
    });
    const events = await rec.ended(conn, 5_000);
    const timeout = ofType(events, 'action').find((e) => e.action === 'pong-timeout');
    expect(timeout?.detail).toMatch(
      /no pong 0\.3 s after our ping .*dropping the connection without a close frame/,
    );
    expect(framesOf(events).some((f) => f.opcode === 0x8)).toBe(false);
    await expect.poll(() => serverSawClose).toBe(1006);
    const f = findings(events).find((x) => x.id === 'heartbeat.pong-timeout');
    expect(f?.title).toBe('The client dropped the connection: no pong within its pong timeout (300 ms)');
    expect(ofType(events, 'connection')[0]?.options?.pongTimeoutMs).toBe(300);
    await rec.inspector.dispose();
  });

  it('report mode records the timeout and stays open; a server that answers never trips it', async () => {
    server = await startWsServer(() => undefined, { autoPong: false });
    const rec = record();
    const { conn } = await rec.inspector.connect({
      url: server.url,
      pingIntervalMs: 100,
      pongTimeoutMs: 200,
      pongTimeoutAction: 'report',
    });
    await rec.waitFor((e) => e.conn === conn && e.type === 'action' && e.action === 'pong-timeout', 3_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rec.events.some((e) => e.conn === conn && e.type === 'end')).toBe(false);
    await rec.inspector.close({ conn, code: 1000 });
    await rec.ended(conn);

    const answering = await startWsServer();
    try {
      const { conn: healthy } = await rec.inspector.connect({
        url: answering.url,
        pingIntervalMs: 50,
        pongTimeoutMs: 200,
      });
      await new Promise((resolve) => setTimeout(resolve, 600));
      const own = rec.events.filter((e) => e.conn === healthy);
      expect(framesOf(own).filter((f) => f.opcode === 0xa).length).toBeGreaterThan(3);
      expect(own.some((e) => e.type === 'action' && e.action === 'pong-timeout')).toBe(false);
      expect(own.some((e) => e.type === 'end')).toBe(false);
    } finally {
      await rec.inspector.dispose();
      await answering.close();
    }
  });

  it('autoPong false: the server’s pings go unanswered and the analyzer reports the server’s pings', async () => {
    server = await startWsServer((socket) => {
      const timer = setInterval(() => socket.ping(), 50);
      socket.on('close', () => clearInterval(timer));
    });
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url, autoPong: false });
    await rec.waitFor((e) => e.conn === conn && e.type === 'frame' && e.frame.opcode === 0x9);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rec.inspector.close({ conn, code: 1000 });
    const events = await rec.ended(conn);
    const frames = framesOf(events);
    expect(frames.filter((f) => f.opcode === 0x9 && f.dir === 's2c').length).toBeGreaterThan(2);
    expect(frames.filter((f) => f.opcode === 0xa && f.dir === 'c2s')).toHaveLength(0);
    const f = findings(events).find((x) => x.id === 'heartbeat.unanswered-ping');
    expect(f?.detail).toMatch(/sent by the server got no pong from the client/);
    await rec.inspector.dispose();
  });
});
