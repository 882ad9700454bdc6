/**
 * Lossless capture (the relay copies chunks into a shared-memory ring, the ring capture worker records them): the
 * same records as recording on the relay thread, every frame kept when the parser falls behind (spill) or the ring
 * fills (backpressure), and a capture killed mid-spill readable afterwards. Needs compiled JavaScript (see
 * test/helpers/compiled-core.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageChannel, Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import type * as InspectorModule from '../../../main/core/inspector.js';
import type * as ControllerModule from '../../../main/proxy/controller.js';
import type * as RawRecordsModule from '../../../main/proxy/raw-capture-records.js';
import type * as ThreadedModule from '../../../main/proxy/threaded-controller.js';
import type * as RingModule from '../../../main/capture/ring/capture-ring.js';
import type * as ProducerModule from '../../../main/capture/ring/ring-producer.js';
import type { RecordBatch, RingWorkerData } from '../../../main/proxy/ring-capture-protocol.js';
import type * as PackingModule from '../../../main/proxy/record-packing.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseSession } from '../../../shared/session/parse.js';
import { comparableRecords, MIXED_TRAFFIC_REPLIES, sendMixedTraffic } from '../../helpers/capture-parity.js';
import { compileCore, type CompiledCore } from '../../helpers/compiled-core.js';
import { freePort } from '../../helpers/cli-io.js';
import { startTappedWsServer, type TappedWsServer } from '../../helpers/proxy-wire.js';

let core: CompiledCore;
let inspectorModule: typeof InspectorModule;
let controllerModule: typeof ControllerModule;
let rawRecords: typeof RawRecordsModule;
let threaded: typeof ThreadedModule;
let server: TappedWsServer;
let dir: string;

beforeAll(async () => {
  core = await compileCore();
  inspectorModule = await core.load<typeof InspectorModule>('main/core/inspector.js');
  controllerModule = await core.load<typeof ControllerModule>('main/proxy/controller.js');
  rawRecords = await core.load<typeof RawRecordsModule>('main/proxy/raw-capture-records.js');
  threaded = await core.load<typeof ThreadedModule>('main/proxy/threaded-controller.js');
  server = await startTappedWsServer((ws) =>
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
  );
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-ring-'));
}, 300_000);

afterAll(async () => {
  await server?.close();
  core?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function proxySession(
  options: ControllerModule.ProxyControllerOptions,
  inspectorOptions: Partial<InspectorModule.InspectorOptions> = {},
) {
  const controller = controllerModule.createProxyController({ capture: 'ring', ...options });
  const inspector = inspectorModule.createInspector({
    shell: 'cli',
    proxyController: controller,
    ...inspectorOptions,
  });
  const info = await inspector.startProxy({ mode: 'reverse', target: server.url });
  return { inspector, controller, port: Number(info.address.split(':').pop()) };
}

/** Sends through the proxy, waits for every echo, closes; then disposes the inspector (recording settles). */
async function echoThrough(
  { inspector, port }: Awaited<ReturnType<typeof proxySession>>,
  talk: (ws: WebSocket) => number,
  deflate = false,
): Promise<CaptureEvent[] | undefined> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ring`, { perMessageDeflate: deflate });
  await new Promise((resolve) => ws.once('open', resolve));
  let replies = 0;
  ws.on('message', () => replies++);
  const expected = talk(ws);
  while (replies < expected) await new Promise((resolve) => setTimeout(resolve, 10));
  ws.close(1000, 'done');
  await new Promise((resolve) => ws.once('close', resolve));
  await inspector.dispose();
  return inspector.snapshot(undefined).then(
    (snapshot) => snapshot.events,
    () => undefined, // a session that keeps no records (its file has them)
  );
}

const readSession = (file: string): CaptureEvent[] => {
  const { session, problems } = parseSession(readFileSync(file, 'utf8'));
  expect(problems).toEqual([]);
  return session.events;
};

const UPGRADE_REQUEST =
  'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const UPGRADE_RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

/** Distinct 1 KiB payloads, so order and content can be checked record by record. */
const payloadOf = (i: number): Buffer => {
  const bytes = Buffer.alloc(1024, i & 0xff);
  bytes.writeUInt32BE(i, 0);
  return bytes;
};

function expectEveryMessage(events: CaptureEvent[], count: number): void {
  for (const dir of ['c2s', 's2c'] as const) {
    const data = events.flatMap((e) =>
      e.type === 'frame' && e.frame.dir === dir && e.frame.opcode === 2 ? [e.frame.data] : [],
    );
    expect(data).toHaveLength(count);
    // Byte-identical previews, in the order they were sent.
    expect(data.every((d, i) => Buffer.from(d, 'base64').equals(payloadOf(i)))).toBe(true);
  }
  expect(events.filter((e) => e.type === 'dropped')).toEqual([]);
}

describe('lossless capture through the ring', () => {
  it('gives the same frame and message records as capture on the relay thread (compressed, fragmented, control)', async () => {
    const traffic = async (capture: 'ring' | 'inline'): Promise<unknown[]> => {
      const events = await echoThrough(
        await proxySession({ capture }),
        (ws) => {
          sendMixedTraffic(ws);
          return MIXED_TRAFFIC_REPLIES;
        },
        true,
      );
      const types = events!.map((e) => e.type);
      expect(types[0]).toBe('connection');
      expect(types.at(-1)).toBe('end');
      return comparableRecords(events!);
    };
    const inRing = await traffic('ring');
    const inline = await traffic('inline');
    expect(inRing.length).toBeGreaterThan(14);
    expect(inRing).toStrictEqual(inline);
  });

  it('writes the session file in the worker, record for record what the views got', async () => {
    const file = path.join(dir, 'adopted.jsonl');
    writeFileSync(file, '', { mode: 0o644 }); // an existing file is narrowed to owner-only too
    const live = await echoThrough(await proxySession({}, { sessionPath: file }), (ws) => {
      for (let i = 0; i < 300; i++) ws.send(payloadOf(i));
      return 300;
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readSession(file);
    expectEveryMessage(written, 300);
    expect(written).toStrictEqual(live);
  });

  it('spills to disk when the parser falls behind and still records every frame, in order', async () => {
    const file = path.join(dir, 'spilled.jsonl');
    const COUNT = 2000;
    await echoThrough(
      await proxySession(
        { ring: { ringBytes: 256 * 1024, parseDelayUs: 1500, spillDir: dir } },
        { sessionPath: file, keepRecords: false },
      ),
      (ws) => {
        for (let i = 0; i < COUNT; i++) ws.send(payloadOf(i));
        return COUNT;
      },
    );
    const events = readSession(file);
    expectEveryMessage(events, COUNT);
    const lag = events.find((e) => e.type === 'capture-lag');
    expect(lag?.type === 'capture-lag' && lag.spilledBytes).toBeGreaterThan(0);
    // The temporary spill file is gone once parsing caught up.
    expect(readdirNames(dir).filter((name) => name.startsWith('wsi-spill-'))).toEqual([]);
  });

  it('keeps at most 8 record batches in flight to a session thread that has not taken them', async () => {
    const { createRingBuffers } = await core.load<typeof RingModule>('main/capture/ring/capture-ring.js');
    const { RingProducer } = await core.load<typeof ProducerModule>('main/capture/ring/ring-producer.js');
    const packing = await core.load<typeof PackingModule>('main/proxy/record-packing.js');
    const ring = createRingBuffers(4 * 1024 * 1024);
    const { port1, port2 } = new MessageChannel();
    const data: RingWorkerData = {
      ring,
      records: port2,
      nice: 0,
      sessionOriginEpoch: performance.timeOrigin,
      startedAt: Date.now(),
      producer: 'test',
      recordsToHost: 'all',
      sendPayloads: false,
    };
    const worker = new Worker(path.join(core.dir, 'main/proxy/ring-capture-worker.js'), {
      workerData: data,
      transferList: [port2],
    });
    try {
      const producer = new RingProducer(ring, { offset: 0 });
      const n = producer.openConnection({ k: 'open', id: 'c1', url: 'ws://x/', startedAt: 0 }, 0);
      producer.bytes(n, 'c2s', Buffer.from(UPGRADE_REQUEST), 1, undefined);
      producer.bytes(n, 's2c', Buffer.from(UPGRADE_RESPONSE), 2, undefined);
      // Far more than 8 batches can carry (a batch is what one 4 ms parsing slice makes).
      const FRAMES = 200_000;
      const frame = Buffer.from([0x82, 4, 1, 2, 3, 4]);
      for (let i = 0; i < FRAMES / 100; i++)
        producer.bytes(n, 's2c', Buffer.concat(Array(100).fill(frame)), 3 + i, undefined);
      let batches = 0;
      let frames = 0;
      const count = (batch: RecordBatch): void => {
        batches++;
        frames += packing.unpackRecords(batch.records).filter((e) => e.type === 'frame').length;
      };
      port1.on('message', count);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Nothing taken yet: the worker waits after 8 batches, with most frames not yet sent.
      expect(batches).toBe(8);
      expect(frames).toBeLessThan(FRAMES);
      port1.removeAllListeners('message');
      port1.on('message', (batch: RecordBatch) => {
        count(batch);
        port1.postMessage(1);
      });
      for (let i = 0; i < 8; i++) port1.postMessage(1);
      for (let i = 0; i < 500 && frames < FRAMES; i++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(batches).toBeGreaterThan(8);
      expect(frames).toBeGreaterThanOrEqual(FRAMES);
    } finally {
      port1.close();
      await worker.terminate();
    }
  });

  it('holds the senders back, recorded, when the ring is full and spilling is off', async () => {
    const file = path.join(dir, 'held.jsonl');
    const COUNT = 1500;
    const session = await proxySession(
      { ring: { ringBytes: 64 * 1024, parseDelayUs: 1500, spill: false } },
      { sessionPath: file, keepRecords: false },
    );
    await echoThrough(session, (ws) => {
      for (let i = 0; i < COUNT; i++) ws.send(payloadOf(i));
      return COUNT;
    });
    const events = readSession(file);
    expectEveryMessage(events, COUNT);
    const held = events.filter((e) => e.type === 'capture-backpressure');
    expect(held.length).toBeGreaterThan(0);
    expect(held.every((e) => e.type === 'capture-backpressure' && e.durationMs > 0)).toBe(true);
    expect(session.controller.captureSummary?.backpressureMs).toBeGreaterThan(0);
  });

  it('with the relay in its own thread: ids continue the session, records and faults cross, the file is whole', async () => {
    const file = path.join(dir, 'threaded.jsonl');
    const controller = threaded.createShellProxyController({});
    const inspector = inspectorModule.createInspector({
      shell: 'cli',
      proxyController: controller,
      sessionPath: file,
    });
    // A client connection first: the proxied one must get the next id of the same sequence.
    const { conn: client } = await inspector.connect({ url: server.url });
    const info = await inspector.startProxy({ mode: 'reverse', target: server.url });
    const ws = new WebSocket(`ws://${info.address}/threaded`, { perMessageDeflate: false });
    await new Promise((resolve) => ws.once('open', resolve));
    let replies = 0;
    ws.on('message', () => replies++);
    for (let i = 0; i < 200; i++) ws.send(payloadOf(i));
    while (replies < 200) await new Promise((resolve) => setTimeout(resolve, 10));
    let proxied: string | undefined;
    for (let i = 0; i < 200 && !proxied; i++) {
      proxied = (await inspector.snapshot(undefined)).events.find(
        (e) => e.type === 'connection' && e.mode === 'proxy',
      )?.conn;
      if (!proxied) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(client).toBe('c1');
    expect(proxied).toBe('c2');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await inspector.injectFault({ conn: proxied!, fault: { kind: 'fin' } });
    expect(await closed).toBe(1006);
    await expect(inspector.injectFault({ conn: 'c99', fault: { kind: 'fin' } })).rejects.toThrow(/c99/);
    await inspector.dispose();
    const live = (await inspector.snapshot(undefined)).events;
    const written = readSession(file);
    // Records of different connections come from different threads: each connection's own order is what counts.
    const byConnection = (events: CaptureEvent[]) => {
      const groups = new Map<string, CaptureEvent[]>();
      for (const event of events) groups.set(event.conn, [...(groups.get(event.conn) ?? []), event]);
      return Object.fromEntries(groups);
    };
    expect(byConnection(written)).toStrictEqual(byConnection(live));
    expectEveryMessage(
      written.filter((e) => e.conn === proxied),
      200,
    );
    expect(written.some((e) => e.conn === proxied && e.type === 'action' && e.action === 'fault')).toBe(true);
    expect(written.some((e) => e.conn === client && e.type === 'end')).toBe(true);
  });

  it("records the session's own client connections in the capture worker too: the same records, the file whole", async () => {
    /** Text (compressed by ws), binary, a 70 KB message and a ping, each echoed; then a close. */
    const talk = async (inspector: InspectorModule.Inspector): Promise<CaptureEvent[]> => {
      await inspector.ready();
      const { conn } = await inspector.connect({ url: server.url });
      const records = async () => (await inspector.snapshot(undefined)).events.filter((e) => e.conn === conn);
      const waitFor = async (ok: (events: CaptureEvent[]) => boolean) => {
        for (let i = 0; i < 500 && !ok(await records()); i++) await new Promise((r) => setTimeout(r, 10));
      };
      await waitFor((events) => events.some((e) => e.type === 'open'));
      await inspector.send({ conn, kind: 'text', data: 'compressed '.repeat(50) });
      await inspector.send({ conn, kind: 'binary', data: Buffer.from([1, 2, 3, 255]).toString('base64') });
      await inspector.send({ conn, kind: 'binary', data: Buffer.alloc(70_000, 7).toString('base64') });
      await inspector.ping({ conn, data: 'are you there' });
      const echoes = (events: CaptureEvent[]) =>
        events.filter((e) => e.type === 'message' && e.message.dir === 's2c').length;
      await waitFor(
        (events) => echoes(events) === 3 && events.some((e) => e.type === 'frame' && e.frame.opcode === 10),
      );
      await inspector.close({ conn, code: 1000 });
      await waitFor((events) => events.some((e) => e.type === 'end'));
      await inspector.dispose();
      return records();
    };
    const onThisThread = await talk(inspectorModule.createInspector({ shell: 'cli' }));
    const file = path.join(dir, 'client.jsonl');
    const inWorker = await talk(
      inspectorModule.createInspector({
        shell: 'cli',
        proxyController: threaded.createShellProxyController({}),
        sessionPath: file,
      }),
    );
    expect(inWorker.filter((e) => e.type === 'message')).toHaveLength(6);
    expect(comparableRecords(inWorker)).toStrictEqual(comparableRecords(onThisThread));
    const kinds = (events: CaptureEvent[]) =>
      events.map((e) => (e.type === 'action' ? `action:${e.action}` : e.type));
    expect(kinds(inWorker)).toStrictEqual(kinds(onThisThread));
    expect(inWorker[0]).toMatchObject({ type: 'connection', mode: 'client', url: new URL(server.url).href });
    // Handshake timing comes across from the connection's thread.
    const response = inWorker.find((e) => e.type === 'http-response');
    expect(response?.type === 'http-response' && response.timing.tcpConnectMs).toBeGreaterThan(0);
    expect(readSession(file)).toStrictEqual(inWorker);
  });

  it('a capture killed with SIGKILL while spilling: the raw file has all but the last 200 ms, both files open', async () => {
    const out = path.join(dir, 'killed.jsonl');
    const raw = path.join(dir, 'killed.raw');
    const port = await freePort();
    const proxy = spawn(
      process.execPath,
      [
        core.wsi,
        'proxy',
        '--target',
        server.url,
        '--listen',
        `127.0.0.1:${port}`,
        '--out',
        out,
        '--raw',
        raw,
        '-q',
      ],
      { env: { ...process.env, WSI_TEST_PARSE_DELAY_US: '3000' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      await listening(proxy);
      const ws = new WebSocket(`ws://127.0.0.1:${port}/killed`, { perMessageDeflate: false });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.on('error', () => undefined);
      const sentAt: number[] = [];
      const started = performance.now();
      let i = 0;
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          for (let k = 0; k < 10; k++) {
            sentAt.push(performance.now());
            ws.send(payloadOf(i++));
          }
          if (performance.now() - started > 1500) {
            clearInterval(timer);
            resolve();
          }
        }, 5);
      });
      const killedAt = performance.now();
      proxy.kill('SIGKILL');
      await new Promise((resolve) => proxy.once('exit', resolve));
      ws.terminate();

      const result = rawRecords.recordsFromRawCapture(raw);
      if ('error' in result) throw new Error(result.error);
      const recorded = result.session.events.filter(
        (e) => e.type === 'frame' && e.frame.dir === 'c2s' && e.frame.opcode === 2,
      ).length;
      const sentBeforeCut = sentAt.filter((t) => t < killedAt - 200).length;
      expect(recorded).toBeGreaterThanOrEqual(sentBeforeCut);
      expect(result.problems.map((p) => p.message).join('\n')).toMatch(/cut .*c1 has no end/);

      // The session file (behind the raw file: its parser was slowed) opens, as far as it was written.
      const { session } = parseSession(readFileSync(out, 'utf8'));
      expect(session.events[0]?.type).toBe('connection');
      expect(session.events.some((e) => e.type === 'end')).toBe(false);
      const analyzed = await run([core.wsi, 'analyze', raw]);
      expect(analyzed.code).toBe(0);
      expect(analyzed.stderr).toMatch(/raw capture/);
      expect(analyzed.stderr).toMatch(/has no end/);
    } finally {
      proxy.kill('SIGKILL');
    }
  });
});

const readdirNames = (folder: string): string[] => readdirSync(folder);

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`wsi proxy exited (${code}) before listening: ${text}`)));
  });
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
