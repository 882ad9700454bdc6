import { performance } from 'node:perf_hooks';
import type { Direction } from '../../../shared/model/wire.js';
import { EntryKind, RingWriter, type RingBuffers } from './capture-ring.js';
import { encodeFact, type RingFact } from './ring-facts.js';

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

/** How a producer pauses and resumes the sender of one direction while its bytes wait for room in the ring. */
export interface FlowControl {
  pause(dir: Direction): void;
  resume(dir: Direction): void;
}

export interface RingProducerOptions {
  /** Session time (ms) of `performance.now()` 0 on this thread. */
  offset: number;
  /** How often a full ring is retried while entries wait. Default 1 ms. */
  retryMs?: number;
  /** The first connection number this producer hands out (producers sharing one consumer use disjoint ranges). */
  firstConn?: number;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/**
 * The writing side of a capture ring on one thread (the relay thread, or the session's thread for client
 * connections). Entries go into the shared ring at once; when it is full they wait here in order, the senders whose
 * bytes wait are paused until there is room, and each pause becomes a `backpressure` fact: traffic slows, nothing
 * is lost.
 */
export class RingProducer {
  private readonly ring: RingWriter;
  private readonly pending: Pending[] = [];
  private pendingHead = 0;
  private readonly held = new Map<string, Held>();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly retryMs: number;
  private nextConn: number;
  private stopped = false;
  /** Time senders were held back because the ring was full, ms, summed over holds. */
  backpressureMs = 0;

  constructor(
    buffers: RingBuffers,
    private readonly options: RingProducerOptions,
  ) {
    this.ring = new RingWriter(buffers);
    this.retryMs = options.retryMs ?? 1;
    this.nextConn = options.firstConn ?? 1;
  }

  /** Session time of a timestamp of this thread (performance.now()). */
  at(threadTime = performance.now()): number {
    return round(threadTime + this.options.offset);
  }

  /** True while entries wait for room in the ring. */
  get waiting(): boolean {
    return !this.stopped && this.pendingHead < this.pending.length;
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

  line(text: string, at: number): void {
    this.write(EntryKind.line, 0, 0, at, Buffer.from(text));
  }

  /** One chunk of a connection's stream. `flow` pauses its sender if the chunk has to wait for room. */
  bytes(conn: number, dir: Direction, chunk: Uint8Array, at: number, flow: FlowControl | undefined): void {
    const d = dir === 'c2s' ? 0 : 1;
    const max = this.ring.maxPayload;
    let waited = false;
    if (chunk.length <= max) waited = !this.write(EntryKind.bytes, d, conn, at, chunk);
    else
      for (let off = 0; off < chunk.length; off += max)
        if (!this.write(EntryKind.bytes, d, conn, at, chunk.subarray(off, off + max))) waited = true;
    if (waited) this.hold(conn, dir, flow);
  }

  /** Stops writing for good (the consumer is gone, or the capture was stopped): held senders are released. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const h of this.held.values()) h.resume();
    this.held.clear();
  }

  /** True if written to the ring now, false if it waits in order behind other entries. */
  private write(kind: EntryKind, dir: number, conn: number, at: number, payload: Uint8Array): boolean {
    if (this.stopped) return true;
    if (this.pendingHead === this.pending.length && this.ring.tryWrite(kind, dir, conn, at, payload))
      return true;
    this.pending.push({ kind, dir, conn, at, payload });
    this.retryTimer ??= setTimeout(this.retry, this.retryMs);
    return false;
  }

  private hold(conn: number, dir: Direction, flow: FlowControl | undefined): void {
    const key = `${conn}:${dir}`;
    if (!flow || this.held.has(key)) return;
    flow.pause(dir);
    this.held.set(key, { conn, dir, since: performance.now(), resume: () => flow.resume(dir) });
  }

  private readonly retry = (): void => {
    this.retryTimer = undefined;
    while (this.pendingHead < this.pending.length) {
      const p = this.pending[this.pendingHead]!;
      if (!this.ring.tryWrite(p.kind, p.dir, p.conn, p.at, p.payload)) {
        this.retryTimer = setTimeout(this.retry, this.retryMs);
        return;
      }
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
}
