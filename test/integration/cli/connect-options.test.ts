import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSession } from '../../../shared/session/parse.js';
import { startRawServer, switchingProtocols } from '../../helpers/raw-servers.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { buildCore, runWsi } from './run-wsi.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-cli-options-'));
const servers: RunningWsServer[] = [];

beforeAll(async () => {
  await buildCore();
}, 300_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const serve = async (server: Promise<RunningWsServer>): Promise<RunningWsServer> => {
  const running = await server;
  servers.push(running);
  return running;
};

describe('wsi connect: auth, heartbeat, reconnect flags', () => {
  it.each([
    [['--bearer', ''], /--bearer needs a token/],
    [['--basic', 'nocolon'], /--basic expects USER:PASSWORD/],
    [['--basic', 'a:b:c', '--bearer', 't'], /use one of --bearer, --basic/],
    [['--query-token', '=v'], /--query-token expects NAME=VALUE/],
    [['--heartbeat-message', 'hb'], /needs --heartbeat-interval/],
    [['--heartbeat-interval=-1'], /--heartbeat-interval must be a positive number/],
    [['--ping-interval', '1', '--heartbeat-interval', '2'], /not both/],
    [['--reconnect-max', '3'], /--reconnect-max needs --reconnect/],
    [['--reconnect', '--reconnect-max', 'x'], /--reconnect-max must be a positive whole number/],
    [['--ping-interval', '0.001'], /pingIntervalMs: expected integer >= 10/],
    [['--pong-timeout', '1'], /--pong-timeout needs pings to time/],
    [
      ['--ping-interval', '1', '--pong-timeout-action', 'close'],
      /--pong-timeout-action needs --pong-timeout/,
    ],
    [
      ['--ping-interval', '1', '--pong-timeout', '1', '--pong-timeout-action', 'x'],
      /must be close or report/,
    ],
  ])('%j exits 2 with a clear message', async (flags, message) => {
    const result = await runWsi(['connect', 'ws://127.0.0.1:9/', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: wsi connect');
  });

  it('-H headers whose names differ only in case go out as given, in order and case', async () => {
    const heads: string[] = [];
    const raw = await startRawServer((socket, upgrade) => {
      heads.push(upgrade.head);
      socket.write(switchingProtocols(upgrade));
    });
    try {
      const result = await runWsi([
        'connect',
        raw.url,
        ...['-H', 'X-Dup: 1', '-H', 'x-dup: 2', '-H', 'X-Other: a', '-H', 'X-DUP: 3'],
        '--duration',
        '0.2',
      ]);
      expect(result.code).toBe(0);
      const lines = (heads[0] ?? '').split('\r\n').filter((line) => /^x-(dup|other):/i.test(line));
      expect(lines).toEqual(['X-Dup: 1', 'x-dup: 2', 'X-Other: a', 'X-DUP: 3']);
    } finally {
      await raw.close();
    }
  });

  it('--bearer and --query-token reach the server; --heartbeat-message is sent at the interval', async () => {
    const received: string[] = [];
    const server = await serve(
      startWsServer((socket) => socket.on('message', (data) => received.push((data as Buffer).toString()))),
    );
    const result = await runWsi([
      'connect',
      server.url,
      '--bearer',
      'tok123',
      '--heartbeat-message',
      'hb',
      '--heartbeat-interval',
      '0.1',
      '--duration',
      '0.55',
    ]);
    expect(result.code).toBe(0);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok123');
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(received.length).toBeLessThanOrEqual(6);
    expect(new Set(received)).toEqual(new Set(['hb']));

    const query = await runWsi([
      'connect',
      `${server.url}/x`,
      '--query-token',
      'key=a b',
      '--duration',
      '0.1',
    ]);
    expect(query.code).toBe(0);
    expect(server.requests[1]?.url).toBe('/x?key=a%20b');
  });

  it('--reconnect prints each attempt and gives up after --reconnect-max', async () => {
    const server = await serve(startWsServer((socket) => setTimeout(() => socket.terminate(), 10)));
    const out = join(dir, 'reconnect.jsonl');
    const result = await runWsi(['connect', server.url, '--reconnect', '--reconnect-max', '2', '--out', out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/reconnecting in \d+ ms \(attempt 1\)/);
    expect(result.stdout).toMatch(/reconnect attempt 1 \(after \d+ ms\)/);
    expect(result.stdout).toMatch(/reconnect attempt 2 \(after \d+ ms\)/);
    expect(result.stdout).toContain('giving up after 2 reconnect attempt(s)');
    const { session } = parseSession(readFileSync(out, 'utf8'));
    const connections = session.events.filter((e) => e.type === 'connection');
    expect(
      connections.map((c) => (c.type === 'connection' ? [c.conn, c.reconnectOf, c.attempt] : [])),
    ).toEqual([
      ['c1', undefined, undefined],
      ['c2', 'c1', 1],
      ['c3', 'c2', 2],
    ]);
  });
});

describe('wsi storm', () => {
  it('opens N connections, prints the summary, and analyze sees the storm', async () => {
    const server = await serve(startWsServer());
    const out = join(dir, 'storm.jsonl');
    const result = await runWsi([
      'storm',
      server.url,
      '--count',
      '8',
      '--concurrency',
      '4',
      '--interval',
      '5',
      '--hold',
      '0.05',
      '--out',
      out,
    ]);
    expect(result.stderr).not.toMatch(/Error|at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('attempts 8, opened 8, failed 0');
    expect(result.stdout).toMatch(/handshake: median [\d.]+ ms, p95 [\d.]+ ms/);
    expect(server.clients).toHaveLength(8);
    const analyzed = await runWsi(['analyze', out, '--json']);
    const report = JSON.parse(analyzed.stdout) as { findings: { id: string }[]; connections: unknown[] };
    expect(report.connections).toHaveLength(8);
    expect(report.findings.map((f) => f.id)).toContain('session.reconnect-storm');
  });

  it('counts failures by status and exits 1', async () => {
    const server = await serve(
      startWsServer(() => undefined, { verifyClient: (_info, callback) => callback(false, 503, 'busy') }),
    );
    const result = await runWsi(['storm', server.url, '-n', '3']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('attempts 3, opened 0, failed 3');
    expect(result.stdout).toContain('failed: HTTP 503 × 3');
  });

  it.each([
    [['--count', '10001'], /more than 10000: refusing/],
    [[], /--count is required/],
    [['--count', '2', '--concurrency', '0'], /--concurrency must be a whole number >= 1/],
    [['--count', '2', '--hold=-1'], /--hold must be a number of seconds >= 0/],
  ])('%j exits 2', async (flags, message) => {
    const result = await runWsi(['storm', 'ws://127.0.0.1:9/', ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
