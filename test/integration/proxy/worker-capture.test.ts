/** Recording in the capture worker needs compiled JavaScript (see test/helpers/compiled-core.ts). */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type * as InspectorModule from '../../../main/core/inspector.js';
import type * as ControllerModule from '../../../main/proxy/controller.js';
import type * as WorkerCaptureModule from '../../../main/proxy/worker-capture.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseSession } from '../../../shared/session/parse.js';
import { comparableRecords, MIXED_TRAFFIC_REPLIES, sendMixedTraffic } from '../../helpers/capture-parity.js';
import { compileCore, type CompiledCore } from '../../helpers/compiled-core.js';
import type { TappedWsServer } from '../../helpers/proxy-wire.js';
import { sha256, startTappedWsServer } from '../../helpers/proxy-wire.js';

let core: CompiledCore;
let inspectorModule: typeof InspectorModule;
let controllerModule: typeof ControllerModule;
let workerCaptureModule: typeof WorkerCaptureModule;
let server: TappedWsServer;

beforeAll(async () => {
  core = await compileCore();
  inspectorModule = await core.load<typeof InspectorModule>('main/core/inspector.js');
  controllerModule = await core.load<typeof ControllerModule>('main/proxy/controller.js');
  workerCaptureModule = await core.load<typeof WorkerCaptureModule>('main/proxy/worker-capture.js');
  server = await startTappedWsServer((ws) =>
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
  );
}, 300_000);

afterAll(async () => {
  await server?.close();
  core?.remove();
});

async function session(
  options: ControllerModule.ProxyControllerOptions,
  inspectorOptions: Partial<InspectorModule.InspectorOptions> = {},
) {
  const controller = controllerModule.createProxyController({ capture: 'worker', ...options });
  const inspector = inspectorModule.createInspector({
    shell: 'cli',
    proxyController: controller,
    ...inspectorOptions,
  });
  const info = await inspector.startProxy({ mode: 'reverse', target: server.url });
  const events = async (): Promise<CaptureEvent[]> => (await inspector.snapshot(undefined)).events;
  const ended = async (): Promise<CaptureEvent[]> => {
    for (let i = 0; i < 500; i++) {
      const all = await events();
      if (all.some((e) => e.type === 'end')) return all;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no end record');
  };
  return { inspector, port: Number(info.address.split(':').pop()), ended };
}

/**
 * A client through the session's proxy: `talk` sends, then this waits for `replies` echoes, closes, and returns the
 * session's records once the connection has ended (the inspector disposed).
 */
async function echoThrough(
  { inspector, port, ended }: Awaited<ReturnType<typeof session>>,
  path: string,
  options: { replies: number; talk: (ws: WebSocket) => void; deflate?: boolean; reason?: string },
): Promise<CaptureEvent[]> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: options.deflate ?? false });
  await new Promise((resolve) => ws.once('open', resolve));
  let replies = 0;
  ws.on('message', () => replies++);
  options.talk(ws);
  while (replies < options.replies) await new Promise((resolve) => setTimeout(resolve, 10));
  ws.close(1000, options.reason);
  await new Promise((resolve) => ws.once('close', resolve));
  const events = await ended();
  await inspector.dispose();
  return events;
}

describe('capture in the worker thread', () => {
  it('records the same kinds of records as inline capture, in order, and the relay stays exact', async () => {
    const serverSide = server.nextConnection();
    const events = await echoThrough(await session({}), '/worker', {
      replies: 200,
      talk: (ws) => {
        for (let i = 0; i < 200; i++) ws.send(`message ${i}`);
      },
    });
    const side = await serverSide;

    const types = events.map((e) => e.type);
    expect(types[0]).toBe('connection');
    expect(types.at(-1)).toBe('end');
    expect(
      events.filter((e) => e.type === 'http-request').map((e) => e.type === 'http-request' && e.leg),
    ).toEqual(['downstream', 'upstream']);
    expect(events.filter((e) => e.type === 'frame')).toHaveLength(402);
    const messages = events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
    expect(messages).toHaveLength(400);
    // Each direction carries `message 0` … `message 199`, payloads intact after crossing from the worker.
    const texts = (dir: string) =>
      messages.filter((m) => m.dir === dir).map((m) => Buffer.from(m.data, 'base64').toString());
    const expected = Array.from({ length: 200 }, (_, i) => `message ${i}`);
    expect(texts('c2s')).toEqual(expected);
    expect(texts('s2c')).toEqual(expected);
    const times = events.map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(events.filter((e) => e.type === 'dropped')).toHaveLength(0);
    expect(side.incoming.size).toBeGreaterThan(0);
  });

  it('gives the same frame and message records as capture on the relay thread (compressed, fragmented, control)', async () => {
    const traffic = async (capture: 'worker' | 'inline'): Promise<unknown[]> => {
      const events = await echoThrough(await session({ capture }), '/same', {
        deflate: true,
        replies: MIXED_TRAFFIC_REPLIES,
        reason: 'done',
        talk: sendMixedTraffic,
      });
      return comparableRecords(events);
    };
    const inWorker = await traffic('worker');
    const inline = await traffic('inline');
    expect(inWorker.length).toBeGreaterThan(14);
    expect(inWorker).toStrictEqual(inline);
  });

  it('writes the session file from lines made in the worker, record for record what the session delivered', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-worker-lines-'));
    const file = path.join(dir, 'session.jsonl');
    try {
      const live = await echoThrough(await session({}, { sessionPath: file }), '/lines', {
        deflate: true,
        replies: 103,
        reason: 'done',
        talk: (ws) => {
          ws.send('compressed '.repeat(50), { compress: true });
          ws.send('first half, ', { fin: false, compress: false });
          ws.send('second half', { fin: true, compress: false });
          ws.send(Buffer.alloc(70_000, 7), { binary: true, compress: false });
          for (let i = 0; i < 100; i++) ws.send(`message ${i}`, { compress: false });
          ws.ping('are you there');
        },
      });

      const { session: written, problems } = parseSession(readFileSync(file, 'utf8'));
      expect(problems).toEqual([]);
      expect(live.filter((e) => e.type === 'frame').length).toBeGreaterThan(200);
      expect(written.events).toStrictEqual(live);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cuts previews in the worker while a connection is over the preview rate, keeping every frame', async () => {
    const COUNT = 200;
    const events = await echoThrough(await session({}, { previewRateLimit: 200_000 }), '/firehose', {
      replies: COUNT,
      talk: (ws) => {
        for (let i = 0; i < COUNT; i++) ws.send(Buffer.alloc(8192, i), { binary: true });
      },
    });

    const data = events.flatMap((e) => (e.type === 'frame' && e.frame.opcode === 2 ? [e.frame] : []));
    expect(data).toHaveLength(2 * COUNT);
    const cut = data.filter((f) => f.truncated);
    expect(cut.length).toBeGreaterThan(COUNT);
    expect(cut.every((f) => Buffer.from(f.data, 'base64').length === 255 && f.payloadLength === 8192)).toBe(
      true,
    );
    const messages = events.flatMap((e) => (e.type === 'message' ? [e.message] : []));
    expect(messages.filter((m) => m.truncated)).toHaveLength(cut.length);
  });

  it('records connections still open at shutdown to their end before the worker stops', async () => {
    const { inspector, port } = await session({});
    const ws = new WebSocket(`ws://127.0.0.1:${port}/open-at-exit`, { perMessageDeflate: false });
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('last words');
    await new Promise((resolve) => ws.once('message', resolve));
    await inspector.dispose();
    const events = (await inspector.snapshot(undefined)).events;
    expect(events.filter((e) => e.type === 'frame')).toHaveLength(2);
    expect(events.at(-1)?.type).toBe('end');
  });

  it('ends every connection with an error record if the worker dies, never silently', async () => {
    const host = new workerCaptureModule.CaptureWorkerHost();
    const emitted: CaptureEvent[] = [];
    const entry = (conn: string) => ({
      conn,
      t0: 0,
      startedAt: 0,
      offset: 0,
      emit: (e: CaptureEvent) => emitted.push(e),
    });
    host.register(entry('w1'));
    await (host as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50));
    host.register(entry('w2'));
    expect(emitted.map((e) => `${e.conn}:${e.type}:${e.type === 'error' ? e.code : ''}`)).toEqual([
      'w1:error:CAPTURE_WORKER_FAILED',
      'w1:end:',
      'w2:error:CAPTURE_WORKER_FAILED',
      'w2:end:',
    ]);
  });

  it('drops whole frames with exact counts when the worker falls behind, never touching the relay', async () => {
    // A tiny hand-off window and queue force the worker to fall behind a burst.
    const proxied = await session({ tapBudgetBytes: 64 * 1024, captureInFlightBytes: 16 * 1024 });
    const serverSide = server.nextConnection();
    const payload = Buffer.alloc(1000, 3);
    const count = 5000;
    const events = await echoThrough(proxied, '/burst', {
      replies: count,
      talk: (ws) => {
        for (let i = 0; i < count; i++) ws.send(payload);
      },
    });
    const side = await serverSide;

    expect(sha256(side.incoming.bytes()).length).toBe(64);
    const frames = (dir: string): number =>
      events.filter((e) => e.type === 'frame' && e.frame.dir === dir).length;
    const dropped = (dir: string) =>
      events.flatMap((e) => (e.type === 'dropped' && e.dir === dir ? [e] : []));
    expect(dropped('c2s').length + dropped('s2c').length).toBeGreaterThan(0);
    for (const dir of ['c2s', 's2c']) {
      const lost = dropped(dir).reduce((sum, e) => sum + e.frames, 0);
      // Every frame either recorded or counted as dropped: data frames + the close frame.
      expect(frames(dir) + lost).toBe(count + 1);
      const lostBytes = dropped(dir).reduce((sum, e) => sum + e.bytes, 0);
      const closeRecorded = events.some(
        (e) => e.type === 'frame' && e.frame.dir === dir && e.frame.opcode === 8,
      );
      if (closeRecorded) expect(lostBytes).toBe(lost * (dir === 'c2s' ? 1008 : 1004));
    }
  });
});
