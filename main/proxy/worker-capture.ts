import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { PayloadSink } from '../capture/payload-store.js';
import type { CaptureFactory, CaptureStart, ProxyCapture } from './capture.js';
import type { CaptureOp, CaptureResult } from './capture-worker-protocol.js';
import { unpackRecords } from './record-packing.js';
import type { TapConsumer } from './tap-queue.js';

/** What the host needs from a relay-thread recorder: its id, its start time, and a way into the session. */
export interface SessionEntry {
  conn: string;
  /** Session time (ms) when the `connection` record was made. */
  t0: number;
  startedAt: number;
  /** Session time = performance.now() + offset. */
  offset: number;
  emit(event: CaptureEvent): void;
  /** The session's preview cap, passed to the worker's recorder. */
  maxCapturedPayload?: number;
  /** The session's preview rate limit (bytes/s), passed to the worker's recorder. */
  previewRateLimit?: number;
  /** Where full payloads the worker kept go (the session's payload store). */
  payloads?: PayloadSink;
  /** The session writes a file: the worker sends each record's line along (see ConnectionRecorderOptions). */
  serializedLines?: boolean;
}

/** The open op with the store's per-payload limit (0 or absent: the worker keeps previews only). */
export type WorkerOpenOp = Extract<CaptureOp, { k: 'open' }> & { maxStoredPayload?: number };

/** A worker result with the full payloads kept since the last one, to enter the store before their records. */
export type WorkerResult = CaptureResult & { payloads?: [conn: string, ref: string, bytes: Uint8Array][] };

export interface WorkerCaptureOptions {
  /** Bytes per connection handed to the worker and not yet processed; past this, the tap queues hold and drop. */
  inFlightBytes?: number;
  /** Nice value of the worker thread (Linux): recording yields the CPU to the relay. Default 19. */
  nice?: number;
  /**
   * While the relay thread's event loop was busier than this over the last interval, no new bytes are handed to the
   * worker (taking its records back costs the relay thread too). Default 0.75; 1 disables.
   */
  maxRelayUtilization?: number;
  /** Ops are sent to the worker at most this often, or sooner once `batchBytes` are pending. Default 10 ms. */
  batchMs?: number;
  batchBytes?: number;
  /**
   * Longest the relay thread spends taking records in one turn of its event loop before it checks its sockets
   * again. Default 0.25 ms.
   */
  intakeSliceMs?: number;
}

const workerFile = fileURLToPath(new URL('./capture-worker.js', import.meta.url));

/** True when the compiled worker exists next to this module (running from a build, not from TypeScript sources). */
export const workerCaptureAvailable = (): boolean => existsSync(workerFile);

/**
 * Runs recording in a worker thread. The relay thread only stamps and forwards ops (heads, byte chunks, TCP facts)
 * in one message per batch interval; records come back in small chunks that the relay thread takes in short slices
 * between socket reads (round trips through the proxy then wait for at most one slice, not for a whole batch), and
 * enter the session in order.
 */
export class CaptureWorkerHost {
  private readonly worker: Worker;
  private readonly results: MessagePort;
  private readonly intakeSliceMs: number;
  private intakeScheduled = false;
  private ops: CaptureOp[] = [];
  private scheduled = false;
  private readonly inFlight = new Map<string, number>();
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly limit: number;
  private failed = false;
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly batchMs: number;
  private readonly batchBytes: number;
  private relayBusy = false;
  private readonly loadTimer: NodeJS.Timeout | undefined;

  constructor(options: WorkerCaptureOptions = {}) {
    this.limit = options.inFlightBytes ?? 4 * 1024 * 1024;
    this.batchMs = options.batchMs ?? 10;
    this.batchBytes = options.batchBytes ?? 512 * 1024;
    this.intakeSliceMs = options.intakeSliceMs ?? 0.25;
    const { port1, port2 } = new MessageChannel();
    this.results = port1;
    this.results.unref();
    this.worker = new Worker(workerFile, {
      workerData: { nice: options.nice ?? 19, results: port2 },
      transferList: [port2],
    });
    this.worker.unref();
    // The worker says how many chunks it queued; they are pulled from `results` (see intake).
    this.worker.on('message', () => this.scheduleIntake());
    this.worker.on('error', (error) => this.fail(`the capture worker failed: ${error.message}`));
    this.worker.on('exit', (code) => this.fail(`the capture worker exited (code ${code})`));
    const maxUtilization = options.maxRelayUtilization ?? 0.75;
    if (maxUtilization < 1) {
      let last = performance.eventLoopUtilization();
      this.loadTimer = setInterval(() => {
        const now = performance.eventLoopUtilization();
        this.relayBusy = performance.eventLoopUtilization(now, last).utilization > maxUtilization;
        last = now;
      }, 50);
      this.loadTimer.unref();
    }
  }

  /**
   * False while the worker is behind on this connection or the relay thread is saturated (the relay's tap queue
   * keeps, then drops whole frames, meanwhile).
   */
  ready(conn: string): boolean {
    return this.failed || (!this.relayBusy && (this.inFlight.get(conn) ?? 0) < this.limit);
  }

  post(op: CaptureOp): void {
    if (this.failed) return;
    if (op.k === 'bytes') {
      this.inFlight.set(op.conn, (this.inFlight.get(op.conn) ?? 0) + op.data.length);
      this.pendingBytes += op.data.length;
    }
    this.ops.push(op);
    // Batching keeps worker wake-ups (and the CPU they take from the relay) to a few per interval.
    if (this.pendingBytes >= this.batchBytes) {
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    } else {
      this.timer ??= setTimeout(this.flush, this.batchMs);
    }
  }

  register(entry: SessionEntry): void {
    this.sessions.set(entry.conn, entry);
    if (this.failure) this.fail(this.failure);
  }

  /** Never silent: every connection the worker was recording gets an error and its end, from here. */
  private failure: string | undefined;

  private fail(message: string): void {
    if (this.failed && this.failure === undefined) return; // terminated on purpose
    this.failed = true;
    this.failure = message;
    for (const session of this.sessions.values()) {
      const t = Math.round((performance.now() + session.offset) * 1000) / 1000;
      session.emit({ type: 'error', conn: session.conn, t, code: 'CAPTURE_WORKER_FAILED', message });
      session.emit({ type: 'end', conn: session.conn, t });
    }
    this.sessions.clear();
    this.inFlight.clear();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const ops = this.ops;
    this.ops = [];
    this.pendingBytes = 0;
    if (ops.length > 0) this.worker.postMessage(ops);
  };

  private scheduleIntake(): void {
    if (this.intakeScheduled) return;
    this.intakeScheduled = true;
    setImmediate(this.intake);
  }

  /** Takes result chunks until the slice is used up; the rest waits for the next turn, after socket I/O. */
  private readonly intake = (): void => {
    this.intakeScheduled = false;
    if (this.takeResults(performance.now() + this.intakeSliceMs)) this.scheduleIntake();
  };

  /** Returns true if chunks are left after `deadline` (performance.now()). */
  private takeResults(deadline: number): boolean {
    for (;;) {
      const received: { message: WorkerResult } | undefined = receiveMessageOnPort(this.results);
      if (!received) return false;
      try {
        this.onResult(received.message);
      } catch {
        // A bug in taking one chunk must not take the relay thread down or stop the chunks behind it.
      }
      if (performance.now() >= deadline) return true;
    }
  }

  private onResult(result: WorkerResult): void {
    for (const [conn, ref, bytes] of result.payloads ?? [])
      this.sessions.get(conn)?.payloads?.keep(conn, ref, bytes);
    for (const [conn, bytes] of result.acks) {
      const left = (this.inFlight.get(conn) ?? 0) - bytes;
      if (left > 0) this.inFlight.set(conn, left);
      else this.inFlight.delete(conn);
    }
    for (const event of unpackRecords(result.records, result.lines)) {
      const session = this.sessions.get(event.conn);
      if (!session) continue;
      session.emit(event);
      if (event.type === 'end') {
        this.sessions.delete(event.conn);
        this.inFlight.delete(event.conn);
      }
    }
  }

  /**
   * Sends what is pending and resolves once every connection handed to the worker has its `end` record in the
   * session (or after `timeoutMs`), so a session file written at shutdown is complete.
   */
  async settle(timeoutMs = 5000): Promise<void> {
    this.flush();
    const deadline = Date.now() + timeoutMs;
    while (this.sessions.size > 0 && !this.failed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      this.takeResults(Infinity);
      if (this.ops.length > 0) this.flush();
    }
  }

  terminate(): Promise<number> {
    this.failed = true; // a deliberate stop, not a failure: no records for it
    if (this.loadTimer) clearInterval(this.loadTimer);
    if (this.timer) clearTimeout(this.timer);
    this.results.close();
    return this.worker.terminate();
  }
}

/**
 * A CaptureFactory whose recording happens in `host`'s worker. `open` makes the relay-thread entry (the session's
 * `connection` record and a way to append more).
 */
export function workerCaptureFactory(
  host: CaptureWorkerHost,
  open: (start: CaptureStart) => SessionEntry,
): CaptureFactory {
  return (start) => {
    const entry = open(start);
    host.register(entry);
    const { conn, offset } = entry;
    const at = (relayTime = performance.now()): number => Math.round((relayTime + offset) * 1000) / 1000;
    const openOp: WorkerOpenOp = {
      k: 'open',
      conn,
      at: entry.t0,
      url: start.url,
      peer: start.peer,
      target: start.target,
      startedAt: entry.startedAt,
      ...(entry.maxCapturedPayload !== undefined ? { maxCapturedPayload: entry.maxCapturedPayload } : {}),
      ...(entry.previewRateLimit !== undefined ? { previewRateLimit: entry.previewRateLimit } : {}),
      ...(entry.payloads ? { maxStoredPayload: entry.payloads.maxPayload } : {}),
      ...(entry.serializedLines ? { serializedLines: true } : {}),
    };
    host.post(openOp);
    const stream = (dir: 'c2s' | 's2c'): TapConsumer => ({
      bytes: (chunk, relayTime) => host.post({ k: 'bytes', conn, at: at(relayTime), dir, data: chunk }),
      dropped: (frames, bytes) =>
        host.post({ k: 'dropped', conn, at: at(), dir, frames, bytes, lost: false }),
      lost: (frames, bytes) => host.post({ k: 'dropped', conn, at: at(), dir, frames, bytes, lost: true }),
      ready: () => host.ready(conn),
      cheap: true,
    });
    const streams = { c2s: stream('c2s'), s2c: stream('s2c') };
    const capture: ProxyCapture = {
      conn,
      requestHead: (leg, head) => host.post({ k: 'req', conn, at: at(), leg, head }),
      responseHead: (leg, head, timing, body, tls) =>
        host.post({
          k: 'res',
          conn,
          at: at(),
          leg,
          head,
          timing,
          ...(body && body.length > 0 ? { body } : {}),
          ...(tls ? { tls } : {}),
        }),
      stream: (dir) => streams[dir],
      tcp: (leg, kind, side) => host.post({ k: 'tcp', conn, at: at(), leg, kind, side }),
      error: (leg, code, message, side) =>
        host.post({
          k: 'error',
          conn,
          at: at(),
          ...(leg ? { leg } : {}),
          code,
          message,
          ...(side ? { side } : {}),
        }),
      fault: (fault) => host.post({ k: 'fault', conn, at: at(), fault }),
      end: () => host.post({ k: 'end', conn, at: at() }),
    };
    return capture;
  };
}
