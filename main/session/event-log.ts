import type { CaptureEvent } from '../../shared/model/events.js';

export type BatchListener = (batch: CaptureEvent[]) => void;

export interface EventLogOptions {
  /** Longest a record waits before subscribers see it. */
  flushIntervalMs?: number;
  /** A batch this large is delivered at once. */
  maxBatch?: number;
  /** Keep every record for `events` (default). False: only deliver batches (e.g. to a session file writer). */
  retain?: boolean;
}

/**
 * The live session's records, append-only. Subscribers receive records in batches (at most every
 * `flushIntervalMs`, or as soon as `maxBatch` records are pending), never one call per record.
 */
export class EventLog {
  private readonly all: CaptureEvent[] = [];
  private pending: CaptureEvent[] = [];
  private readonly listeners = new Set<BatchListener>();
  private timer: NodeJS.Timeout | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxBatch: number;
  private readonly retain: boolean;

  constructor(options: EventLogOptions = {}) {
    this.flushIntervalMs = options.flushIntervalMs ?? 16;
    this.maxBatch = options.maxBatch ?? 1000;
    this.retain = options.retain ?? true;
  }

  get events(): readonly CaptureEvent[] {
    return this.all;
  }

  get size(): number {
    return this.all.length;
  }

  append(event: CaptureEvent): void {
    if (this.retain) this.all.push(event);
    this.pending.push(event);
    if (this.pending.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  subscribe(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Deliver pending records now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    for (const listener of this.listeners) {
      try {
        listener(batch);
      } catch {
        // A failing subscriber must not stop the others or the capture.
      }
    }
  }
}
