import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { Direction } from '../../shared/model/wire.js';
import { serializeEvent } from '../../shared/session/serialize.js';
import { createRingBuffers, type RingBuffers } from '../capture/ring/capture-ring.js';
import { RingProducer, type FlowControl } from '../capture/ring/ring-producer.js';
import type { ProxySession, SessionFileSpec } from '../core/proxy-controller.js';
import type { CaptureFactory, ProxyCapture } from './capture.js';
import { RecordIntake } from './record-intake.js';
import type { HostCommand, RecordsToHost, RingWorkerData, WorkerReply } from './ring-capture-protocol.js';

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
  /** The ring of a worker another thread started (and reads the records of); no worker is started here. */
  externalRing?: RingBuffers;
}

export type { FlowControl };

export interface CaptureSummary {
  maxLagMs: number;
  spilledBytes: number;
  /** Time the relay held senders back because the ring was full, ms, summed over holds. */
  backpressureMs: number;
  sessionFileError?: string;
}

type Settled = Extract<WorkerReply, { k: 'settled' }>;

/**
 * The ring capture worker, seen from the thread that starts it: the session's thread (the shells, where the relay
 * runs in a thread of its own and writes into `rings.relay`), or the relay's own thread when everything runs in one
 * (see RingCaptureHost). The worker's records enter the session here, on a channel of their own.
 */
export class RingWorker {
  private readonly worker: Worker;
  private failed = false;
  private readonly intake: RecordIntake;
  private readonly failureListeners = new Set<(message: string) => void>();
  private readonly settledListeners = new Set<(reply: Settled) => void>();
  /** Resolves once the worker reads the rings (or has failed). */
  readonly ready: Promise<void>;
  private markReady: () => void = () => undefined;

  constructor(
    session: RingSession,
    rings: { relay: RingBuffers; client?: RingBuffers },
    options: RingCaptureOptions = {},
    sessionFile?: SessionFileSpec,
    onFileError?: (message: string) => void,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const { port1, port2 } = new MessageChannel();
    this.intake = new RecordIntake(port1, session);
    const spill = options.spill ?? true;
    const data: RingWorkerData = {
      ring: rings.relay,
      ...(rings.client ? { clientRing: rings.client } : {}),
      records: port2,
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
    this.worker = new Worker(workerFile, { workerData: data, transferList: [port2] });
    this.worker.unref();
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.k === 'file-error') onFileError?.(reply.message);
      else if (reply.k === 'ready') this.markReady();
      else for (const listener of this.settledListeners) listener(reply);
    });
    this.worker.on('error', (error) => this.fail(`the capture worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.fail(`the capture worker exited (code ${code})`));
  }

  /** Called once if the worker dies (its connections are then reported as failed). */
  onFailed(listener: (message: string) => void): void {
    this.failureListeners.add(listener);
  }

  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.markReady();
    for (const listener of this.failureListeners) listener(message);
    this.intake.fail(message);
  }

  /**
   * Waits until everything in the rings is recorded and the session file is complete (or `timeoutMs`), then stops
   * the worker. A capture that fell behind (spilled) may take a while: its records are worth the wait. The rings'
   * writers must have stopped writing.
   */
  async close(timeoutMs = 10 * 60_000): Promise<Omit<CaptureSummary, 'backpressureMs'>> {
    let summary: Omit<CaptureSummary, 'backpressureMs'> = { maxLagMs: 0, spilledBytes: 0 };
    if (!this.failed) {
      const reply = await new Promise<Settled | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(undefined), timeoutMs + 1000);
        this.settledListeners.add((r) => {
          clearTimeout(timer);
          resolve(r);
        });
        this.worker.postMessage({ k: 'settle', timeoutMs } satisfies HostCommand);
      });
      if (reply) {
        summary = {
          maxLagMs: reply.maxLagMs,
          spilledBytes: reply.spilledBytes,
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

/**
 * The relay thread's side of lossless capture. Each relayed chunk is copied into a shared-memory ring with its
 * connection, direction and time; heads and TCP facts go the same way as small entries. A capture worker reads the
 * ring, owns recording and the session file, and sends records to the views on a channel of its own. If the ring is
 * full (the worker could neither parse nor spill fast enough), entries wait in order and the senders whose bytes
 * are waiting are paused until there is room: the traffic slows, nothing is lost, and a `capture-backpressure`
 * record says for how long.
 *
 * With `externalRing` the worker was started by the session's thread, which reads its records; otherwise this host
 * starts it here.
 */
export class RingCaptureHost {
  private readonly worker: RingWorker | undefined;
  /** Writes the relay thread's entries into the ring. */
  readonly producer: RingProducer;
  /** Full payloads up to this size are kept by the worker (for the views' store or the session file). */
  readonly maxStoredPayload: number;

  constructor(
    readonly session: RingSession,
    options: RingCaptureOptions = {},
    sessionFile?: SessionFileSpec,
    onFileError?: (message: string) => void,
  ) {
    const buffers = options.externalRing ?? createRingBuffers(options.ringBytes ?? DEFAULT_RING_BYTES);
    this.producer = new RingProducer(buffers, {
      offset: session.now() - performance.now(),
      ...(options.retryMs !== undefined ? { retryMs: options.retryMs } : {}),
    });
    this.maxStoredPayload = Math.max(
      session.payloads?.maxPayload ?? 0,
      sessionFile?.fullPayloads ? sessionFile.maxStoredPayload : 0,
    );
    if (!options.externalRing) {
      this.worker = new RingWorker(session, { relay: buffers }, options, sessionFile, onFileError);
      this.worker.onFailed(() => this.producer.stop());
    }
  }

  /** Session time of a relay timestamp (performance.now()). */
  at(relayTime = performance.now()): number {
    return this.producer.at(relayTime);
  }

  /** Records made outside the worker (client connections) go to the session file through the ring, in order. */
  appendToFile(events: readonly CaptureEvent[]): void {
    for (const event of events) this.producer.line(serializeEvent(event), event.t);
  }

  /** The worker is gone (it failed on another thread): stop writing, release held senders. */
  stop(): void {
    this.producer.stop();
  }

  /**
   * Waits until everything relayed so far is in the ring, then (when this host started the worker) until it is
   * recorded and the session file is complete, or `timeoutMs`.
   */
  async close(timeoutMs = 10 * 60_000): Promise<CaptureSummary> {
    const deadline = performance.now() + timeoutMs;
    while (this.producer.waiting && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
    const recorded = this.worker
      ? await this.worker.close(Math.max(0, deadline - performance.now()))
      : { maxLagMs: 0, spilledBytes: 0 };
    this.producer.stop();
    return { ...recorded, backpressureMs: this.producer.backpressureMs };
  }
}

/** A CaptureFactory whose recording happens in the ring capture worker. */
export function ringCaptureFactory(host: RingCaptureHost): CaptureFactory {
  return (start) => {
    const session = host.session;
    const id = session.allocateConnection();
    const producer = host.producer;
    const n = producer.openConnection(
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
      bytes: (chunk: Buffer, relayTime: number) => producer.bytes(n, dir, chunk, host.at(relayTime), flow),
      // Nothing is ever dropped on this path.
      dropped: () => undefined,
      direct: true as const,
      cheap: true,
    });
    const streams = { c2s: stream('c2s'), s2c: stream('s2c') };
    const capture: ProxyCapture = {
      conn: id,
      attachFlow: (control) => (flow = control),
      requestHead: (leg, head) => producer.fact(n, { k: 'req', leg, head }),
      responseHead: (leg, head, timing, body, tls) =>
        producer.fact(n, {
          k: 'res',
          leg,
          head,
          timing,
          ...(body && body.length > 0 ? { body } : {}),
          ...(tls ? { tls } : {}),
        }),
      stream: (dir) => streams[dir],
      tcp: (leg, kind, side) => producer.fact(n, { k: 'tcp', leg, kind, side }),
      error: (leg, code, message, side) =>
        producer.fact(n, { k: 'error', ...(leg ? { leg } : {}), code, message, ...(side ? { side } : {}) }),
      fault: (fault) => producer.fact(n, { k: 'fault', fault }),
      end: () => producer.fact(n, { k: 'end' }),
    };
    return capture;
  };
}
