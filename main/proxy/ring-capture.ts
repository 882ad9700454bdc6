import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { Direction } from '../../shared/model/wire.js';
import { serializeEvent } from '../../shared/session/serialize.js';
import { createRingBuffers, EntryKind, RingWriter } from '../capture/ring/capture-ring.js';
import { encodeFact, type RingFact } from '../capture/ring/ring-facts.js';
import type { ProxySession, SessionFileSpec } from '../core/proxy-controller.js';
import type { CaptureFactory, ProxyCapture } from './capture.js';
import { RecordIntake } from './record-intake.js';
import type { RecordsToHost, RingWorkerData, WorkerReply } from './ring-capture-protocol.js';

const workerFile = fileURLToPath(new URL('./ring-capture-worker.js', import.meta.url));
export const ringCaptureAvailable = (): boolean => existsSync(workerFile);

export const DEFAULT_RING_BYTES = 32 * 1024 * 1024;

export type RingSession = ProxySession;

export interface RingCaptureOptions {
  ringBytes?: number;
  /** Nice value of the worker thread (Linux). Default 19. */
  nice?: number;
  /** Spill to disk when parsing falls behind (default true); false: a full ring holds the senders back at once. */
  spill?: boolean;
  spillDir?: string;
  /** Keep every entry in this raw capture file (`--raw`). */
  rawPath?: string;
  recordsToHost?: RecordsToHost;
  /** Test hook: a parser slowed on purpose, µs per stream chunk. */
  parseDelayUs?: number;
  /** How often a full ring is retried while senders are held. Default 1 ms. */
  retryMs?: number;
}

/** Where the worker's records go: a port to hand it (the intake is on another thread), or here. */
export interface RecordsDestination {
  port: MessagePort;
  /** The worker died: the intake reports its connections as failed. */
  onFailed(message: string): void;
}

interface Pending {
  kind: EntryKind;
  dir: number;
  conn: number;
  at: number;
  payload: Uint8Array;
}

interface Held {
  conn: number;
  dir: Direction;
  since: number;
  resume: () => void;
}

export interface CaptureSummary {
  maxLagMs: number;
  spilledBytes: number;
  /** Time the relay held senders back because the ring was full, ms, summed over holds. */
  backpressureMs: number;
  sessionFileError?: string;
}

/** How the relay pauses and resumes the sender of one direction (set by the proxy once the relay exists). */
export interface FlowControl {
  pause(dir: Direction): void;
  resume(dir: Direction): void;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The relay thread's side of lossless capture. Each relayed chunk is copied into a shared-memory ring with its
 * connection, direction and time; heads and TCP facts go the same way as small entries. A capture worker reads the
 * ring, owns recording and the session file, and sends records to the views on a channel of its own. If the ring is
 * full (the worker could neither parse nor spill fast enough), entries wait here in order and the senders whose
 * bytes are waiting are paused until there is room: the traffic slows, nothing is lost, and a
 * `capture-backpressure` record says for how long.
 */
export class RingCaptureHost {
  private readonly worker: Worker;
  private readonly ring: RingWriter;
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private readonly held = new Map<string, Held>();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private nextConn = 1;
  private failed = false;
  private readonly onFailed: (message: string) => void;
  private backpressureMs = 0;
  private readonly settledListeners = new Set<(reply: Extract<WorkerReply, { k: 'settled' }>) => void>();
  readonly offset: number;
  /** Full payloads up to this size are kept by the worker (for the views' store or the session file). */
  readonly maxStoredPayload: number;

  constructor(
    readonly session: RingSession,
    options: RingCaptureOptions = {},
    sessionFile?: SessionFileSpec,
    private readonly onFileError?: (message: string) => void,
    records?: RecordsDestination,
  ) {
    const buffers = createRingBuffers(options.ringBytes ?? DEFAULT_RING_BYTES);
    this.ring = new RingWriter(buffers);
    this.retryMs = options.retryMs ?? 1;
    this.offset = session.now() - performance.now();
    this.maxStoredPayload = Math.max(
      session.payloads?.maxPayload ?? 0,
      sessionFile?.fullPayloads ? sessionFile.maxStoredPayload : 0,
    );
    let port: MessagePort;
    if (records) {
      port = records.port;
      this.onFailed = (message) => records.onFailed(message);
    } else {
      const { port1, port2 } = new MessageChannel();
      const intake = new RecordIntake(port1, session);
      this.onFailed = (message) => intake.fail(message);
      port = port2;
    }
    const spill = options.spill ?? true;
    const data: RingWorkerData = {
      ring: buffers,
      records: port,
      nice: options.nice ?? 19,
      sessionOriginEpoch: performance.timeOrigin + performance.now() - session.now(),
      startedAt: session.startedAt,
      producer: session.producer,
      ...(spill
        ? { spillPath: join(options.spillDir ?? tmpdir(), `wsi-spill-${process.pid}-${Date.now()}.raw`) }
        : {}),
      ...(options.rawPath ? { rawPath: options.rawPath } : {}),
      ...(sessionFile ? { sessionFile } : {}),
      recordsToHost: options.recordsToHost ?? 'all',
      sendPayloads: session.payloads !== undefined && session.payloads.maxPayload > 0,
      ...(options.parseDelayUs ? { parseDelayUs: options.parseDelayUs } : {}),
    };
    this.worker = new Worker(workerFile, { workerData: data, transferList: [port] });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.k === 'file-error') this.onFileError?.(reply.message);
      else for (const listener of this.settledListeners) listener(reply);
    });
    this.worker.on('error', (error) => this.fail(`the capture worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.fail(`the capture worker exited (code ${code})`));
  }

  /** Session time of a relay timestamp (performance.now()). */
  at(relayTime = performance.now()): number {
    return round(relayTime + this.offset);
  }

  /** Opens a connection on the ring; returns its ring number. */
  openConnection(fact: Extract<RingFact, { k: 'open' }>, at: number): number {
    const conn = this.nextConn++;
    this.fact(conn, fact, at);
    return conn;
  }

  fact(conn: number, fact: RingFact, at = this.at()): void {
    this.write(EntryKind.fact, 0, conn, at, encodeFact(fact));
  }

  /** Records made outside the worker (client connections) go to the session file through the ring, in order. */
  appendToFile(events: readonly CaptureEvent[]): void {
    for (const event of events) this.write(EntryKind.line, 0, 0, event.t, Buffer.from(serializeEvent(event)));
  }

  /**
   * One relayed chunk. `flow` pauses its sender if the chunk has to wait for room in the ring.
   */
  bytes(conn: number, dir: Direction, chunk: Uint8Array, at: number, flow: FlowControl | undefined): void {
    const d = dir === 'c2s' ? 0 : 1;
    const max = this.ring.maxPayload;
    if (chunk.length <= max) {
      if (!this.write(EntryKind.bytes, d, conn, at, chunk)) this.hold(conn, dir, flow);
      return;
    }
    let waited = false;
    for (let off = 0; off < chunk.length; off += max) {
      if (!this.write(EntryKind.bytes, d, conn, at, chunk.subarray(off, off + max))) waited = true;
    }
    if (waited) this.hold(conn, dir, flow);
  }

  /** True if written to the ring now, false if it waits in order behind other entries. */
  private write(kind: EntryKind, dir: number, conn: number, at: number, payload: Uint8Array): boolean {
    if (this.failed) return true;
    if (this.pendingHead === this.pending.length && this.ring.tryWrite(kind, dir, conn, at, payload))
      return true;
    this.pending.push({ kind, dir, conn, at, payload });
    this.retrySoon();
    return false;
  }

  private hold(conn: number, dir: Direction, flow: FlowControl | undefined): void {
    const key = `${conn}:${dir}`;
    if (!flow || this.held.has(key)) return;
    flow.pause(dir);
    this.held.set(key, { conn, dir, since: performance.now(), resume: () => flow.resume(dir) });
  }

  private retrySoon(): void {
    this.retryTimer ??= setTimeout(this.retry, this.retryMs);
  }

  private readonly retry = (): void => {
    this.retryTimer = undefined;
    while (this.pendingHead < this.pending.length) {
      const p = this.pending[this.pendingHead]!;
      if (!this.ring.tryWrite(p.kind, p.dir, p.conn, p.at, p.payload)) return this.retrySoon();
      this.pendingHead++;
    }
    this.pending.length = 0;
    this.pendingHead = 0;
    const now = performance.now();
    const held = [...this.held.values()];
    this.held.clear();
    for (const h of held) {
      const ms = Math.round((now - h.since) * 10) / 10;
      this.backpressureMs += ms;
      this.fact(h.conn, { k: 'backpressure', dir: h.dir, ms }, this.at(h.since));
      h.resume();
    }
  };

  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const h of this.held.values()) h.resume();
    this.held.clear();
    this.onFailed(message);
  }

  /**
   * Waits until everything relayed so far is recorded and the session file is complete (or `timeoutMs`), then
   * stops the worker. A capture that fell behind (spilled) may take a while: its records are worth the wait.
   */
  async close(timeoutMs = 10 * 60_000): Promise<CaptureSummary> {
    const deadline = performance.now() + timeoutMs;
    while (this.pendingHead < this.pending.length && !this.failed && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
    let summary: CaptureSummary = { maxLagMs: 0, spilledBytes: 0, backpressureMs: this.backpressureMs };
    if (!this.failed) {
      const reply = await new Promise<Extract<WorkerReply, { k: 'settled' }> | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - performance.now()) + 1000);
        this.settledListeners.add((r) => {
          clearTimeout(timer);
          resolve(r);
        });
        this.worker.postMessage({ k: 'settle', timeoutMs: Math.max(0, deadline - performance.now()) });
      });
      if (reply) {
        summary = {
          maxLagMs: reply.maxLagMs,
          spilledBytes: reply.spilledBytes,
          backpressureMs: this.backpressureMs,
          ...(reply.sessionFileError ? { sessionFileError: reply.sessionFileError } : {}),
        };
      }
      // Records posted just before the reply are still on their way on the records channel.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.failed = true; // a deliberate stop: no failure records
    await this.worker.terminate();
    return summary;
  }
}

/** A CaptureFactory whose recording happens in the ring capture worker. */
export function ringCaptureFactory(host: RingCaptureHost): CaptureFactory {
  return (start) => {
    const session = host.session;
    const id = session.allocateConnection();
    const n = host.openConnection(
      {
        k: 'open',
        id,
        url: start.url,
        peer: start.peer,
        target: start.target,
        startedAt: session.startedAt,
        ...(session.maxCapturedPayload !== undefined
          ? { maxCapturedPayload: session.maxCapturedPayload }
          : {}),
        ...(session.previewRateLimit !== undefined ? { previewRateLimit: session.previewRateLimit } : {}),
        ...(host.maxStoredPayload > 0 ? { maxStoredPayload: host.maxStoredPayload } : {}),
      },
      host.at(),
    );
    let flow: FlowControl | undefined;
    const stream = (dir: Direction) => ({
      bytes: (chunk: Buffer, relayTime: number) => host.bytes(n, dir, chunk, host.at(relayTime), flow),
      // Nothing is ever dropped on this path.
      dropped: () => undefined,
      direct: true as const,
      cheap: true,
    });
    const streams = { c2s: stream('c2s'), s2c: stream('s2c') };
    const capture: ProxyCapture = {
      conn: id,
      attachFlow: (control) => (flow = control),
      requestHead: (leg, head) => host.fact(n, { k: 'req', leg, head }),
      responseHead: (leg, head, timing, body, tls) =>
        host.fact(n, {
          k: 'res',
          leg,
          head,
          timing,
          ...(body && body.length > 0 ? { body } : {}),
          ...(tls ? { tls } : {}),
        }),
      stream: (dir) => streams[dir],
      tcp: (leg, kind, side) => host.fact(n, { k: 'tcp', leg, kind, side }),
      error: (leg, code, message, side) =>
        host.fact(n, { k: 'error', ...(leg ? { leg } : {}), code, message, ...(side ? { side } : {}) }),
      fault: (fault) => host.fact(n, { k: 'fault', fault }),
      end: () => host.fact(n, { k: 'end' }),
    };
    return capture;
  };
}
