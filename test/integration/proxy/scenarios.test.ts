/** The seed-failure scenario files in docs/scenarios/, each run against a backend and producing its failure. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { parseScenario } from '../../../main/cli/scenario-file.js';
import { runCli } from '../../../main/cli/wsi.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseSession } from '../../../shared/session/parse.js';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import { ofConn, proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { encodeFrame, startRawServer, switchingProtocols } from '../../helpers/raw-servers.js';
import { startEchoServer, startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { versionSensitiveBackend, wsEchoBackend } from '../analysis/backends.js';

const scenarios = fileURLToPath(new URL('../../../docs/scenarios/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wsi-scenarios-'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function load(name: string) {
  return parseScenario(readFileSync(join(scenarios, name), 'utf8'), name);
}

async function proxyWith(name: string, target: string): Promise<{ harness: ProxyHarness; url: string }> {
  const scenario = load(name);
  const harness = proxyHarness({ capture: 'inline' });
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({
    mode: 'reverse',
    target,
    ...(scenario.faults ? { faults: scenario.faults } : {}),
    ...(scenario.steps ? { scenarioSteps: scenario.steps } : {}),
  });
  return { harness, url: `ws://${info.address}` };
}

async function serve(server: Promise<RunningWsServer>): Promise<RunningWsServer> {
  const running = await server;
  cleanups.push(() => running.close());
  return running;
}

/** Opens a client; resolves with what it saw: the upgrade status, messages, pongs and the close code. */
function observe(url: string, onOpen: (ws: WebSocket) => void = () => undefined) {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  cleanups.push(() => ws.terminate());
  ws.on('error', () => undefined);
  const seen = { status: 0, messages: [] as string[], pongs: 0, closeCode: undefined as number | undefined };
  ws.on('message', (data: Buffer) => seen.messages.push(data.toString()));
  ws.on('pong', () => seen.pongs++);
  const done = new Promise<typeof seen>((resolve) => {
    ws.once('unexpected-response', (_req, res) => {
      seen.status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      resolve(seen);
    });
    ws.once('open', () => {
      seen.status = 101;
      onOpen(ws);
    });
    ws.once('close', (code) => {
      seen.closeCode = code;
      resolve(seen);
    });
  });
  return { ws, seen, done };
}

async function endedConn(harness: ProxyHarness, index = 0): Promise<CaptureEvent[]> {
  const all = await harness.waitFor(
    (events) => events.filter((e) => e.type === 'end').length > index,
    10_000,
  );
  return ofConn(all, all.filter((e) => e.type === 'end')[index]!.conn);
}

const findingsOf = (events: CaptureEvent[]) => analyzeSession({ header: { startedAt: 0 }, events }).findings;

describe('seed-failure scenarios (docs/scenarios)', () => {
  it('http10-gateway.json: a Swoole-like server answers 101 and closes', async () => {
    const backend = await versionSensitiveBackend();
    cleanups.push(() => backend.close());
    const { harness, url } = await proxyWith('http10-gateway.json', backend.url);
    expect(await observe(`${url}/ws`).done).toMatchObject({ status: 101, closeCode: 1006 });
    expect(backend.heads[0]?.split('\r\n')[0]).toBe('GET /ws HTTP/1.0');
    expect(findingsOf(await endedConn(harness))[0]?.title).toMatch(/^Failure provoked by the inspector/);
  });

  it('stripped-upgrade.json: a ws server answers 426', async () => {
    const backend = await wsEchoBackend();
    cleanups.push(() => backend.close());
    const { harness, url } = await proxyWith('stripped-upgrade.json', backend.url);
    expect((await observe(`${url}/ws`).done).status).toBe(426);
    expect(findingsOf(await endedConn(harness)).map((f) => f.id)).toEqual(['fault.injected']);
  });

  it('idle-gateway-timeout.json: a silent connection is dropped after 5 s', async () => {
    const server = await serve(startEchoServer());
    const { harness, url } = await proxyWith('idle-gateway-timeout.json', server.url);
    const started = performance.now();
    const client = observe(`${url}/`);
    expect((await client.done).closeCode).toBe(1006);
    expect(performance.now() - started).toBeGreaterThanOrEqual(4900);
    expect(findingsOf(await endedConn(harness))[0]?.title).toBe(
      "Dropped by the inspector's fault injection (idle timeout 5 s, TCP FIN to both sides)",
    );
  }, 15_000);

  it('heartbeat-without-pongs.json: pongs arrive for 1 s, then stop', async () => {
    const server = await serve(startEchoServer());
    const { harness, url } = await proxyWith('heartbeat-without-pongs.json', server.url);
    const client = observe(`${url}/`, (ws) => ws.ping());
    await expect.poll(() => client.seen.pongs).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    client.ws.ping();
    client.ws.send('after');
    await expect.poll(() => client.seen.messages).toEqual(['after']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(client.seen.pongs).toBe(1);
    client.ws.terminate();
    const events = await endedConn(harness);
    const faults = events.filter((e) => e.type === 'action' && e.action === 'fault');
    expect(faults).toHaveLength(1);
    expect(findingsOf(events)[0]?.title).toBe(
      "Failure provoked by the inspector's fault injection (pong swallowed (server → client))",
    );
  });

  it('server-close-after-push.json: only /feed drops right after the first push', async () => {
    const server = await serve(
      startWsServer((socket) => {
        socket.send('push 1');
        setTimeout(() => socket.readyState === socket.OPEN && socket.send('push 2'), 200);
      }),
    );
    const { harness, url } = await proxyWith('server-close-after-push.json', server.url);
    const other = observe(`${url}/other`);
    const feed = observe(`${url}/feed?v=2`);
    expect(await feed.done).toMatchObject({ closeCode: 1006, messages: ['push 1'] });
    await expect.poll(() => other.seen.messages).toEqual(['push 1', 'push 2']);
    expect(other.seen.closeCode).toBeUndefined();
    other.ws.close();
    const events = await endedConn(harness);
    const connection = events.find((e) => e.type === 'connection');
    expect(connection?.type === 'connection' && connection.url).toMatch(/\/feed\?v=2$/);
    expect(findingsOf(events)[0]?.title).toBe(
      "Dropped by the inspector's fault injection (TCP FIN without a close frame to both sides)",
    );
  });
});

describe('wsi proxy --scenario', () => {
  it('runs a scenario file: steps by connection number, recorded in the session', async () => {
    const server = await startRawServer((socket, upgrade) => {
      socket.write(switchingProtocols(upgrade));
      socket.write(encodeFrame({ opcode: 1, payload: 'hello' }));
    });
    cleanups.push(() => server.close());
    const file = join(dir, 'second-connection.json');
    writeFileSync(
      file,
      JSON.stringify({
        steps: [{ connection: 2, at: 100, fault: { kind: 'close', code: 4002, reason: 'qa' } }],
      }),
    );
    const port = await freePort();
    const out = join(dir, 'scenario.jsonl');
    const io = captureIo();
    const running = runCli(
      [
        'proxy',
        '--target',
        server.url,
        '--listen',
        `127.0.0.1:${port}`,
        '--scenario',
        file,
        '--duration',
        '1.5',
        '--out',
        out,
      ],
      io,
    );
    await expect.poll(() => io.out_.join('\n')).toContain('listening');
    const first = observe(`ws://127.0.0.1:${port}/`);
    await expect.poll(() => first.seen.messages).toEqual(['hello']);
    const second = observe(`ws://127.0.0.1:${port}/`);
    expect((await second.done).closeCode).toBe(4002);
    expect(first.seen.closeCode).toBeUndefined();
    first.ws.terminate();
    expect(await running).toBe(0);
    const { session } = parseSession(readFileSync(out, 'utf8'));
    const faults = session.events.filter((e) => e.type === 'action' && e.action === 'fault');
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ fault: { kind: 'close', code: 4002 } });
  });

  it('refuses a bad scenario file with exit 2, naming line and field', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      '{\n  "steps": [\n    { "url": "/feed", "connection": 1, "suppressPongs": "s2c" }\n  ]\n}\n',
    );
    const io = captureIo();
    expect(await runCli(['proxy', '--target', 'ws://x', '--scenario', file], io)).toBe(2);
    expect(io.err_[0]).toBe(`wsi proxy: ${file}:3:5: steps[0]: expected connection or url, not both`);
    const clash = join(dir, 'clash.json');
    writeFileSync(clash, '{"faults": {"suppressPongs": "both"}}');
    const both = captureIo();
    expect(
      await runCli(['proxy', '--target', 'ws://x', '--scenario', clash, '--suppress-pongs', 's2c'], both),
    ).toBe(2);
    expect(both.err_[0]).toBe(
      'wsi proxy: faults.suppressPongs is set both by a flag and by the --scenario file',
    );
    const missing = captureIo();
    expect(await runCli(['proxy', '--target', 'ws://x', '--scenario', join(dir, 'nope.json')], missing)).toBe(
      2,
    );
    expect(missing.err_[0]).toMatch(/--scenario .*nope\.json: ENOENT/);
  });
});
