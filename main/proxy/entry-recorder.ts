import type { CaptureEvent } from '../../shared/model/events.js';
import { EntryKind, type RingEntry } from '../capture/ring/capture-ring.js';
import { decodeFact } from '../capture/ring/ring-facts.js';
import { defaultProtocolStages } from '../capture/default-stages.js';
import { CaptureOpApplier, type ApplierSink } from './capture-op-applier.js';

/** Lag worth a `capture-lag` record. */
const LAG_RECORD_MS = 100;

export interface EntryRecorderOptions {
  /** Session time now; with it, how far each record runs behind its bytes is measured (live capture only). */
  now?: () => number;
  /**
   * Session time the capture began reading: entries written before it (while the worker was starting) count as
   * behind only from then on.
   */
  readyAt?: number;
  /** A session-file line made outside the capture (client connections). */
  line?: (text: string) => void;
  /** Test hook: busy-wait this many microseconds per stream chunk (a slow parser on purpose). */
  parseDelayUs?: number;
}

/**
 * Turns capture-ring entries (live from the ring, from a spill file, or read back from a raw capture file) into
 * records: one recorder per connection, opened by its `open` fact and closed by its `end`.
 */
export class EntryRecorder {
  private readonly applier: CaptureOpApplier;
  /** Ring connection number → session connection id, with how far behind its records ran. */
  private readonly connections = new Map<number, { id: string; maxLagMs: number }>();
  /** Bytes of each connection that went through the spill file (counted when spilled, before they are parsed). */
  private readonly spilled = new Map<number, number>();
  private readonly decoder = new TextDecoder();
  maxLagMs = 0;

  constructor(
    private readonly sink: ApplierSink,
    private readonly options: EntryRecorderOptions = {},
  ) {
    this.applier = new CaptureOpApplier(defaultProtocolStages(), sink);
  }

  /** Connections opened and not ended, in the order they opened. */
  get open(): string[] {
    return [...this.connections.values()].map((c) => c.id);
  }

  noteSpilled(conn: number, bytes: number): void {
    this.spilled.set(conn, (this.spilled.get(conn) ?? 0) + bytes);
  }

  process(entry: RingEntry): void {
    try {
      if (entry.kind === EntryKind.bytes) return this.bytes(entry);
      if (entry.kind === EntryKind.line) return this.options.line?.(this.decoder.decode(entry.payload));
      this.fact(entry);
    } catch {
      // One bad entry must not stop the others; the recorder reports its own internal errors as records.
    }
  }

  /** Ends every connection still open (the capture stopped under them). */
  endAll(at: number): void {
    this.applier.endAll(at);
    this.connections.clear();
  }

  private fact(entry: RingEntry): void {
    const fact = decodeFact(entry.payload);
    if (fact.k === 'open') {
      const { id, k: _k, ...rest } = fact;
      this.connections.set(entry.conn, { id, maxLagMs: 0 });
      return this.applier.open({ k: 'open', conn: id, at: entry.at, ...rest }, true);
    }
    const connection = this.connections.get(entry.conn);
    if (!connection) return;
    const conn = connection.id;
    if (fact.k === 'backpressure') {
      const event: CaptureEvent = {
        type: 'capture-backpressure',
        conn,
        t: entry.at,
        dir: fact.dir,
        durationMs: fact.ms,
      };
      return this.sink.event(event);
    }
    if (fact.k === 'end') {
      this.noteLag(connection, entry.at);
      const spilledBytes = this.spilled.get(entry.conn) ?? 0;
      if (connection.maxLagMs > LAG_RECORD_MS || spilledBytes > 0) {
        this.sink.event({
          type: 'capture-lag',
          conn,
          t: entry.at,
          maxLagMs: Math.round(connection.maxLagMs * 10) / 10,
          spilledBytes,
        });
      }
      this.connections.delete(entry.conn);
      this.spilled.delete(entry.conn);
    }
    this.applier.apply({ ...fact, conn, at: entry.at });
  }

  private bytes(entry: RingEntry): void {
    const connection = this.connections.get(entry.conn);
    if (!connection) return;
    this.noteLag(connection, entry.at);
    if (this.options.parseDelayUs) busyWait(this.options.parseDelayUs);
    // The recorder may keep bytes past this call (a frame split across chunks): it gets its own copy.
    this.applier.apply({
      k: 'bytes',
      conn: connection.id,
      at: entry.at,
      dir: entry.dir === 0 ? 'c2s' : 's2c',
      data: Buffer.from(entry.payload),
    });
  }

  private noteLag(connection: { maxLagMs: number }, at: number): void {
    if (!this.options.now) return;
    const lag = this.options.now() - Math.max(at, this.options.readyAt ?? at);
    if (lag > connection.maxLagMs) connection.maxLagMs = lag;
    if (lag > this.maxLagMs) this.maxLagMs = lag;
  }
}

function busyWait(us: number): void {
  const until = performance.now() + us / 1000;
  while (performance.now() < until);
}
