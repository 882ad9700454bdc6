import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Finding } from '../../../shared/model/finding.js';
import { capture, type Capture } from './harness.js';

let server: WebSocketServer | undefined;
let rec: Capture | undefined;
afterEach(async () => {
  await rec?.cleanup();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  rec = undefined;
  server = undefined;
});

const byId = (findings: Finding[], id: string): Finding => {
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} among ${findings.map((f) => f.id).join(', ')}`);
  return found;
};

/** A graphql-ws style server: answers {"type":"ping"} with {"type":"pong"} as `reply` decides. */
async function heartbeatServer(reply: (n: number, ws: WebSocket) => void): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server?.once('listening', resolve));
  server.on('connection', (ws) => {
    let n = 0;
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { type?: string };
      if (message.type === 'ping') reply(n++, ws);
    });
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  return `ws://127.0.0.1:${address.port}/graphql`;
}

const heartbeat = { kind: 'message' as const, message: '{"type":"ping"}', intervalMs: 150 };

describe('application-level heartbeats against a real server', () => {
  it('a server that stops answering {"type":"ping"} and then drops the connection', async () => {
    const url = await heartbeatServer((n, ws) => {
      if (n < 3) ws.send('{"type":"pong"}');
      if (n === 5) ws.terminate();
    });
    rec = await capture();
    const { conn } = await rec.inspector.connect({ url, heartbeat });
    await rec.ended(conn, 10_000);
    const { json } = await rec.analyzeFile();
    const f = byId(json.findings, 'heartbeat.app-unanswered');
    expect(f.title).toBe('3 application-level pings without a reply');
    expect(f.detail).toContain(
      '3 of 6 heartbeats (JSON "type": "ping"/"pong") sent by the client got no reply from the server',
    );
    expect(f.detail).toContain('ended without a close frame');
    expect(f.evidence).toHaveLength(3);
  });

  it('slow replies and the interval, while protocol pings are absent', async () => {
    const url = await heartbeatServer((n, ws) => {
      // From the second ping on, a busy server answers 1.2 s late (in order).
      setTimeout(() => ws.send('{"type":"pong"}'), n >= 1 ? 1_200 : 0);
      if (n === 3) setTimeout(() => ws.close(1000), 1_400);
    });
    rec = await capture();
    const { conn } = await rec.inspector.connect({ url, heartbeat });
    await rec.ended(conn, 10_000);
    const analysis = rec.analyze();
    const slow = byId(analysis.findings, 'heartbeat.app-slow-reply');
    expect(slow.title).toMatch(/^Heartbeat replies take up to 1\.\d s$/);
    expect(slow.detail).toContain('(JSON "type": "ping"/"pong")');
    expect(analysis.findings.find((f) => f.id === 'heartbeat.app-unanswered')).toBeUndefined();
  });
});
