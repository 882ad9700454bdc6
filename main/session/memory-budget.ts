import { getHeapStatistics } from 'node:v8';
import type { CaptureEvent, FrameEvent, MessageEvent } from '../../shared/model/events.js';
import { SLIM_PREVIEW_BYTES } from '../../shared/model/frame.js';
import type { Direction } from '../../shared/model/wire.js';

export interface MemoryBudgetOptions {
  /** Estimated bytes of kept records after which data payload previews are cut to `slimPreviewBytes`. */
  softBytes: number;
  /** Estimated bytes after which data frames and messages are no longer kept, only counted in `dropped` records. */
  hardBytes: number;
  /** Payload bytes a data record keeps once past `softBytes`. Default SLIM_PREVIEW_BYTES (255; 340 base64 characters). */
  slimPreviewBytes?: number;
}

/** Fractions of the V8 heap limit: the live session must never take the process down with it. */
export function defaultMemoryBudget(): MemoryBudgetOptions {
  const limit = getHeapStatistics().heap_size_limit;
  return { softBytes: Math.floor(limit * 0.35), hardBytes: Math.floor(limit * 0.6) };
}

/** Rough retained size of a record: object overhead plus its payload strings (base64 is one byte per character). */
const RECORD_OVERHEAD = 320;
const estimate = (event: CaptureEvent): number =>
  RECORD_OVERHEAD +
  (event.type === 'frame'
    ? event.frame.data.length
    : event.type === 'message'
      ? event.message.data.length
      : 0);

type DataRecord = FrameEvent | MessageEvent;

/**
 * The first `chars` characters as a string of their own. `slice` would return a view that keeps the whole original
 * payload string alive, so cutting previews would free nothing. Payload data is base64 (ASCII): latin1 is exact.
 */
export const detachedPrefix = (data: string, chars: number): string =>
  Buffer.from(data.slice(0, chars), 'latin1').toString('latin1');
const isDataRecord = (event: CaptureEvent): event is DataRecord =>
  event.type === 'message' || (event.type === 'frame' && event.frame.opcode < 0x8);

interface PendingDrop {
  conn: string;
  dir: Direction;
  frames: number;
  bytes: number;
  firstT: number;
  lastT: number;
}

/** Pending drop counts are reported at least this often while a connection keeps sending. */
const DROP_REPORT_MS = 1000;

/**
 * Bounds the memory a live session keeps. Past the soft limit, data frames and messages keep a short preview (marked
 * truncated); past the hard limit they are not kept at all and `dropped` records say exactly how many frames and
 * bytes per direction. Control frames, handshakes, violations and lifecycle records are always kept, so close
 * attribution and findings still hold.
 */
export class MemoryBudget {
  private used = 0;
  private readonly pending = new Map<string, PendingDrop>();
  private readonly slimChars: number;

  constructor(
    private readonly options: MemoryBudgetOptions,
    private readonly next: (event: CaptureEvent) => void,
  ) {
    this.slimChars = Math.ceil((options.slimPreviewBytes ?? SLIM_PREVIEW_BYTES) / 3) * 4;
  }

  get usedBytes(): number {
    return this.used;
  }

  admit(event: CaptureEvent): void {
    if (isDataRecord(event) && this.used >= this.options.hardBytes) {
      if (event.type === 'frame') this.countDrop(event);
      return;
    }
    this.reportDrops(event.conn);
    const kept = isDataRecord(event) && this.used >= this.options.softBytes ? this.slim(event) : event;
    this.used += estimate(kept);
    this.next(kept);
  }

  private countDrop(event: FrameEvent): void {
    const { dir } = event.frame;
    const key = `${event.conn} ${dir}`;
    let drop = this.pending.get(key);
    if (!drop) {
      drop = { conn: event.conn, dir, frames: 0, bytes: 0, firstT: event.t, lastT: event.t };
      this.pending.set(key, drop);
    }
    drop.frames++;
    drop.bytes += event.frame.headerLength + event.frame.payloadLength;
    drop.lastT = event.t;
    if (event.t - drop.firstT >= DROP_REPORT_MS) this.report(key, drop);
  }

  /** Pending counts of `conn` go before any record of it that is kept, so records stay in time order. */
  private reportDrops(conn: string): void {
    if (this.pending.size === 0) return;
    for (const [key, drop] of this.pending) if (drop.conn === conn) this.report(key, drop);
  }

  private report(key: string, drop: PendingDrop): void {
    this.pending.delete(key);
    this.used += RECORD_OVERHEAD;
    this.next({
      type: 'dropped',
      conn: drop.conn,
      t: drop.lastT,
      dir: drop.dir,
      frames: drop.frames,
      bytes: drop.bytes,
      reason: 'memory',
    });
  }

  private slim(event: DataRecord): DataRecord {
    const cut = (data: string): string => detachedPrefix(data, this.slimChars);
    if (event.type === 'frame') {
      if (event.frame.data.length <= this.slimChars) return event;
      return { ...event, frame: { ...event.frame, data: cut(event.frame.data), truncated: true } };
    }
    if (event.message.data.length <= this.slimChars) return event;
    return { ...event, message: { ...event.message, data: cut(event.message.data), truncated: true } };
  }
}
