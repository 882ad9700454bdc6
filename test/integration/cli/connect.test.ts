import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSession } from '../../../shared/session/parse.js';
import {
  startClosingServer,
  startEchoServer,
  startRejectingServer,
  startWsServer,
  type RunningWsServer,
} from '../../helpers/ws-servers.js';
import { buildCore, runWsi, spawnWsi } from './run-wsi.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-cli-'));
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

describe('wsi connect', () => {
  it('prints the handshake and frames, closes with 1000 after --duration and writes the session', async () => {
    const server = await serve(startEchoServer());
    const out = join(dir, 'echo.wsi.jsonl');
    const result = await runWsi([
      'connect',
      server.url,
      '--send',
      'hello',
      '-H',
      'X-Trace: 42',
      '--duration',
      '0.3',
      '--out',
      out,
    ]);
    expect(result.stderr).not.toMatch(/Error|at /);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('→ GET / HTTP/1.1');
    expect(result.stdout).toContain('X-Trace: 42');
    expect(result.stdout).toMatch(/← HTTP\/1\.1 101 Switching Protocols\s+\[Sec-WebSocket-Accept ok\]/);
    expect(result.stdout).toMatch(
      /→ #1\s+TEXT\s+FIN RSV1 ---- ---- MASK|→ #1\s+TEXT\s+FIN ---- ---- ---- MASK/,
    );
    expect(result.stdout).toMatch(/← #2\s+TEXT\s+FIN/);
    expect(result.stdout).toMatch(/→ #\d+\s+CLOSE\s+FIN .*close 1000 \(Normal Closure\)/);
    expect(result.stdout).toContain('closed by client: 1000 (Normal Closure); closing handshake complete');

    const { session, problems } = parseSession(readFileSync(out, 'utf8'));
    expect(problems).toEqual([]);
    expect(session.header.format).toBe('wsi-session');
    expect(session.events[0]?.type).toBe('connection');
    expect(session.events.at(-1)?.type).toBe('end');
    expect(session.events.filter((e) => e.type === 'frame')).toHaveLength(4);
  });

  it('ends when the server closes and reports who closed', async () => {
    const server = await serve(startClosingServer(4001, 'go away'));
    const result = await runWsi(['connect', server.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /← #1\s+CLOSE\s+FIN ---- ---- ---- ----\s+len=9\s+close 4001 \(Private use\) reason "go away"/,
    );
    expect(result.stdout).toContain(
      'closed by server: 4001 (Private use) reason "go away"; closing handshake complete',
    );
  });

  it('shows a rejected handshake with its status and body, and exits 1', async () => {
    const server = await serve(startRejectingServer(401, 'no token'));
    const result = await runWsi(['connect', server.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('← HTTP/1.1 401 Unauthorized');
    expect(result.stdout).toContain('body (8 bytes): "no token"');
    expect(result.stdout).toContain('handshake rejected: HTTP 401');
  });

  it('exits 1 with the reason when nothing listens', async () => {
    const result = await runWsi(['connect', 'ws://127.0.0.1:1/']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('ECONNREFUSED');
  });

  it.each([
    [['connect', 'http://example.com/'], /unsupported URL scheme "http:"/],
    [['connect', 'ws://127.0.0.1:1/', '--bogus'], /Unknown option '--bogus'/],
    [['connect', 'ws://127.0.0.1:1/', '-H', 'no colon'], /malformed header "no colon"/],
    [
      ['connect', 'ws://127.0.0.1:1/', '--duration', 'soon'],
      /--duration must be a positive number of seconds/,
    ],
    [['connect', 'ws://127.0.0.1:1/', '--ping-interval', '0'], /--ping-interval must be a positive number/],
    [['connect'], /missing the URL/],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('rejects bad arguments %j with exit 2 and a clear message', async (args, message) => {
    const result = await runWsi(args);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toMatch(message);
    expect(result.stderr).toContain('Usage: wsi');
    expect(result.stdout).toBe('');
  });

  it('on Ctrl-C closes with 1000, waits for the reply and exits 0', async () => {
    const server = await serve(startEchoServer());
    const run = spawnWsi(['connect', server.url]);
    await run.waitForOutput(/\* open/);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('closed by client: 1000 (Normal Closure); closing handshake complete');
  });

  it('keeps what was recorded before a kill: the --out file is written while recording', async () => {
    const server = await serve(
      startWsServer((socket) => {
        let n = 0;
        const timer = setInterval(() => socket.send(`tick ${++n}`), 10);
        socket.on('close', () => clearInterval(timer));
      }),
    );
    const out = join(dir, 'killed.wsi.jsonl');
    const run = spawnWsi(['connect', server.url, '--out', out]);
    await run.waitForOutput(/"tick 30"/);
    await new Promise((resolve) => setTimeout(resolve, 400));
    run.child.kill('SIGKILL');
    await run.exited;
    const { session, problems } = parseSession(readFileSync(out, 'utf8'));
    expect(problems.length).toBeLessThanOrEqual(1);
    const frames = session.events.filter((e) => e.type === 'frame');
    expect(frames.length).toBeGreaterThanOrEqual(20);
    expect(session.events[0]?.type).toBe('connection');
  });

  it('prints help and version', async () => {
    const help = await runWsi(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/connect\s+open a WebSocket/);
    const connectHelp = await runWsi(['help', 'connect']);
    expect(connectHelp.stdout).toContain('--ping-interval SECONDS');
    const version = await runWsi(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
