/**
 * A single-producer, single-consumer byte ring in shared memory. The relay thread appends entries (a chunk it
 * relayed, or a small typed fact about a connection); the capture worker reads them in order. Appending is a copy
 * into the shared buffer and two atomic operations: no message, no allocation, no wake-up of the reader (the reader
 * polls), so the relay thread pays the same whether or not recording keeps up.
 *
 * Layout: `control` (Int32Array over its own SharedArrayBuffer) holds the write and read offsets; `data` holds
 * entries, each `HEADER_BYTES` of header then the payload, padded to 8 bytes. An entry never wraps: when it does not
 * fit before the end, a wrap marker is written and the entry starts at offset 0. Write == read means empty, so the
 * writer always leaves at least 8 bytes free.
 */

export const HEADER_BYTES = 24;
const WRAP_MARKER = 0xffffffff;
const WRITE = 0;
const READ = 1;
const CONTROL_SLOTS = 4;

/** What an entry is; the payload's meaning depends on it. */
export const EntryKind = {
  /** Bytes of one direction of a connection's stream, as relayed. */
  bytes: 1,
  /** A connection fact (open, heads, TCP, error, fault, end, backpressure) as UTF-8 JSON, see ring-ops.ts. */
  fact: 2,
  /** A session-file line of a record made outside the capture worker (client connections), written in order. */
  line: 3,
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

export interface RingBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

export interface RingEntry {
  kind: EntryKind;
  /** 0 = c2s, 1 = s2c (bytes entries). */
  dir: number;
  /** The connection's number on this ring (see ring-ops.ts 'open'). */
  conn: number;
  /** Session time (ms) the relay saw it. */
  at: number;
  /** A view into the ring (valid until the entry is released) or into a spill buffer. */
  payload: Uint8Array;
}

const pad8 = (n: number): number => (n + 7) & ~7;

/** Bytes written and not yet read. */
function usedBytes(control: Int32Array, capacity: number): number {
  const w = Atomics.load(control, WRITE);
  const r = Atomics.load(control, READ);
  return w >= r ? w - r : capacity - r + w;
}

/** Ring sizes are multiples of 8 so every entry starts 8-byte aligned. */
export function createRingBuffers(capacity: number): RingBuffers {
  const size = Math.max(64 * 1024, pad8(capacity));
  return {
    control: new SharedArrayBuffer(CONTROL_SLOTS * 4),
    data: new SharedArrayBuffer(size),
  };
}

/** Largest payload one entry may carry in a ring of this capacity; larger chunks are split by the writer. */
export const maxEntryPayload = (capacity: number): number => Math.floor(capacity / 4) - HEADER_BYTES;

export class RingWriter {
  private readonly control: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  readonly capacity: number;
  readonly maxPayload: number;

  constructor(buffers: RingBuffers) {
    this.control = new Int32Array(buffers.control);
    this.bytes = new Uint8Array(buffers.data);
    this.view = new DataView(buffers.data);
    this.capacity = buffers.data.byteLength;
    this.maxPayload = maxEntryPayload(this.capacity);
  }

  /** Bytes currently waiting for the reader. */
  get used(): number {
    return usedBytes(this.control, this.capacity);
  }

  /**
   * Appends one entry; false (nothing written) if the ring has no room now. `payload.length` must not exceed
   * `maxPayload`.
   */
  tryWrite(kind: EntryKind, dir: number, conn: number, at: number, payload: Uint8Array): boolean {
    const need = HEADER_BYTES + pad8(payload.length);
    const cap = this.capacity;
    const r = Atomics.load(this.control, READ);
    let w = Atomics.load(this.control, WRITE);
    if (w >= r) {
      const atEnd = cap - w;
      if (need > atEnd || (need === atEnd && r === 0)) {
        // Does not fit before the end: it goes to the start, which must stay short of the reader.
        if (need >= r) return false;
        this.view.setUint32(w, WRAP_MARKER, true);
        w = 0;
      }
    } else if (w + need >= r) {
      return false;
    }
    const view = this.view;
    view.setUint32(w, need, true);
    view.setUint8(w + 4, kind);
    view.setUint8(w + 5, dir);
    view.setUint32(w + 8, conn, true);
    view.setUint32(w + 12, payload.length, true);
    view.setFloat64(w + 16, at, true);
    this.bytes.set(payload, w + HEADER_BYTES);
    const next = w + need;
    Atomics.store(this.control, WRITE, next === cap ? 0 : next);
    return true;
  }
}

export class RingReader {
  private readonly control: Int32Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  readonly capacity: number;

  constructor(buffers: RingBuffers) {
    this.control = new Int32Array(buffers.control);
    this.bytes = new Uint8Array(buffers.data);
    this.view = new DataView(buffers.data);
    this.capacity = buffers.data.byteLength;
  }

  get used(): number {
    return usedBytes(this.control, this.capacity);
  }

  /**
   * Calls `visit` for entries in order, with views into the ring, until the ring is empty, `visit` returns false, or
   * `maxEntries` were visited. Each visited entry is released after `visit` returns (its bytes may then be
   * overwritten). Returns the number of entries visited. `raw` is the whole entry (header and padded payload), as
   * the raw capture file stores it.
   */
  read(visit: (entry: RingEntry, raw: Uint8Array) => boolean | void, maxEntries = Infinity): number {
    let r = Atomics.load(this.control, READ);
    let count = 0;
    while (count < maxEntries) {
      const w = Atomics.load(this.control, WRITE);
      if (r === w) break;
      if (this.capacity - r < HEADER_BYTES || this.view.getUint32(r, true) === WRAP_MARKER) {
        r = 0;
        Atomics.store(this.control, READ, 0);
        continue;
      }
      const entry = decodeEntry(this.view, this.bytes, r);
      const size = this.view.getUint32(r, true);
      const keepGoing = visit(entry, this.bytes.subarray(r, r + size));
      count++;
      r += size;
      if (r === this.capacity) r = 0;
      Atomics.store(this.control, READ, r);
      if (keepGoing === false) break;
    }
    return count;
  }
}

/** Reads the entry whose header starts at `offset` of `bytes` (a ring or a block of the raw capture file). */
export function decodeEntry(view: DataView, bytes: Uint8Array, offset: number): RingEntry {
  const length = view.getUint32(offset + 12, true);
  return {
    kind: view.getUint8(offset + 4) as EntryKind,
    dir: view.getUint8(offset + 5),
    conn: view.getUint32(offset + 8, true),
    at: view.getFloat64(offset + 16, true),
    payload: bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length),
  };
}

/** The whole entry's size as its header states it (0 for a wrap marker). */
export function entrySize(view: DataView, offset: number): number {
  const size = view.getUint32(offset, true);
  return size === WRAP_MARKER ? 0 : size;
}
