import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../../../main/cli/wsi.js';
import type { ConnectionSummary, Finding } from '../../../shared/model/finding.js';
import { parseSession } from '../../../shared/session/parse.js';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { buildCore, spawnWsi } from './run-wsi.js';

// `kill -9` of a recorder leaves a session without `end` records: `wsi analyze` must say the recording was cut (which
// connections, from when) instead of "No problems found".
const dir = mkdtempSync(join(tmpdir(), 'wsi-cut-'));
let server: RunningWsServer;

beforeAll(async () => {
  server = await startWsServer((socket) => {
    let n = 0;
    const timer = setInterval(() => socket.send(`tick ${++n}`), 10);
    socket.on('close', () => clearInterval(timer));
  });
  await buildCore();
}, 300_000);
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last record's wall time per connection, as the finding must name it. */
function lastRecordAt(file: string): Map<string, string> {
  const { session } = parseSession(readFileSync(file, 'utf8'));
  const last = new Map<string, number>();
  for (const e of session.events) last.set(e.conn, Math.max(last.get(e.conn) ?? -Infinity, e.t));
  return new Map([...last].map(([conn, t]) => [conn, new Date(session.header.startedAt + t).toISOString()]));
}

async function expectReportedCut(file: string): Promise<void> {
  const expected = lastRecordAt(file);
  expect(expected.size).toBeGreaterThan(0);

  const text = captureIo();
  expect(await runCli(['analyze', file], text)).toBe(0);
  const report = text.out_.join('\n');
  expect(report).not.toContain('No problems found');
  for (const [conn, at] of expected) {
    expect(report).toContain(`WARN  [capture.cut] ${conn}: Recording cut at ${at}`);
    expect(report).toContain(`close: unknown: recording cut after ${at} (no end record)`);
  }

  const json = captureIo();
  expect(await runCli(['analyze', file, '--json'], json)).toBe(0);
  const parsed = JSON.parse(json.out_.join('')) as { connections: ConnectionSummary[]; findings: Finding[] };
  const cut = parsed.findings.filter((f) => f.id === 'capture.cut');
  expect(cut.map((f) => f.connection).sort()).toEqual([...expected.keys()].sort());
  for (const c of parsed.connections) expect(new Date(c.cutAt ?? 0).toISOString()).toBe(expected.get(c.id));
}

describe('a recording cut by kill -9', () => {
  it('wsi connect --out', async () => {
    const out = join(dir, 'connect.jsonl');
    const run = spawnWsi(['connect', server.url, '--out', out]);
    await run.waitForOutput(/"tick 20"/);
    await sleep(400);
    run.child.kill('SIGKILL');
    await run.exited;
    await expectReportedCut(out);
  });

  it('wsi proxy --out, two connections', async () => {
    const out = join(dir, 'proxy.jsonl');
    const port = await freePort();
    const run = spawnWsi(['proxy', '--target', server.url, '--listen', `127.0.0.1:${port}`, '--out', out]);
    await run.waitForOutput(/listening on/);
    const clients = [new WebSocket(`ws://127.0.0.1:${port}/a`), new WebSocket(`ws://127.0.0.1:${port}/b`)];
    await Promise.all(clients.map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    await sleep(600);
    run.child.kill('SIGKILL');
    await run.exited;
    for (const ws of clients) ws.terminate();
    await expectReportedCut(out);
    expect(lastRecordAt(out).size).toBe(2);
  });

  it('a complete recording is not reported as cut', async () => {
    const out = join(dir, 'complete.jsonl');
    const io = captureIo();
    expect(await runCli(['connect', server.url, '--duration', '0.2', '--out', out], io)).toBe(0);
    const text = captureIo();
    expect(await runCli(['analyze', out, '--json'], text)).toBe(0);
    const parsed = JSON.parse(text.out_.join('')) as {
      connections: ConnectionSummary[];
      findings: Finding[];
    };
    expect(parsed.findings.filter((f) => f.id === 'capture.cut')).toEqual([]);
    expect(parsed.connections[0]?.cutAt).toBeUndefined();
  });
});
