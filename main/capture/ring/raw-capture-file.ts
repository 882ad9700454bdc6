/**
 * The raw capture file: what the relay handed to recording, entry by entry, exactly as it crossed the capture ring
 * (see capture-ring.ts and docs/session-format.md, "Raw capture file"). The capture worker spills to one when
 * parsing falls behind, and keeps one for the user with `--raw FILE`; reading it back with the same parser gives
 * the same records, so a later parser version, the exports and replay can re-read a capture exactly.
 *
 * Layout: 8 bytes magic "WSIRAW\0" + version byte, u32 LE length of a JSON header, the header padded to 8 bytes,
 * then entries (24-byte header: u32 size, u8 kind, u8 dir, u16 0, u32 connection number, u32 payload length, f64
 * session time; payload padded to 8).
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { HEADER_BYTES, decodeEntry, type RingEntry } from './capture-ring.js';

export const RAW_MAGIC = 'WSIRAW\0';
export const RAW_VERSION = 1;

export interface RawCaptureHeader {
  format: 'wsi-raw-capture';
  version: number;
  /** Wall clock (epoch ms) at session time 0. */
  startedAt: number;
  createdBy: string;
}

const pad8 = (n: number): number => (n + 7) & ~7;

function encodeHeader(header: RawCaptureHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(12 + pad8(json.length), 0x20);
  out.write(RAW_MAGIC, 0, 'latin1');
  out[7] = RAW_VERSION;
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  return out;
}

export interface RawWriterOptions {
  /** Bytes buffered before a write. Default 1 MiB. */
  blockBytes?: number;
  /** What is buffered is written at least this often (a `kill -9` loses at most this much). Default 100 ms. */
  flushIntervalMs?: number;
}

/** Appends entries to a raw capture file (created 0600: it holds headers and payloads). */
export class RawCaptureWriter {
  private readonly fd: number;
  private block: Buffer;
  private used = 0;
  private written: number;
  private readonly timer: NodeJS.Timeout | undefined;
  readonly headerBytes: number;

  constructor(
    readonly path: string,
    header: RawCaptureHeader,
    options: RawWriterOptions = {},
  ) {
    this.fd = openSync(path, 'w', 0o600);
    const head = encodeHeader(header);
    writeSync(this.fd, head);
    this.headerBytes = this.written = head.length;
    this.block = Buffer.allocUnsafe(options.blockBytes ?? 1024 * 1024);
    const interval = options.flushIntervalMs ?? 100;
    if (interval > 0) {
      this.timer = setInterval(() => this.flush(), interval);
      this.timer.unref();
    }
  }

  /** File size once everything appended so far is written. */
  get size(): number {
    return this.written + this.used;
  }

  /** Bytes on disk (readable by a reader). */
  get flushedSize(): number {
    return this.written;
  }

  append(raw: Uint8Array): void {
    if (this.used + raw.length > this.block.length) {
      this.flush();
      if (raw.length > this.block.length) {
        this.writeAll(raw);
        return;
      }
    }
    this.block.set(raw, this.used);
    this.used += raw.length;
  }

  flush(): void {
    if (this.used === 0) return;
    this.writeAll(this.block.subarray(0, this.used));
    this.used = 0;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
    closeSync(this.fd);
  }

  private writeAll(bytes: Uint8Array): void {
    let off = 0;
    while (off < bytes.length) {
      const n = writeSync(this.fd, bytes, off, bytes.length - off, this.written);
      off += n;
      this.written += n;
    }
  }
}

export type RawOpen =
  { ok: true; header: RawCaptureHeader; reader: RawCaptureReader } | { ok: false; message: string };

/** True if `prefix` (the first bytes of a file) starts like a raw capture file. */
export const looksLikeRawCapture = (prefix: Uint8Array): boolean =>
  prefix.length >= 7 && Buffer.from(prefix.subarray(0, 7)).toString('latin1') === RAW_MAGIC;

/** Opens a raw capture file for reading; a file that is not one (or a damaged header) is named, not thrown. */
export function openRawCapture(path: string): RawOpen {
  const fd = openSync(path, 'r');
  const head = Buffer.alloc(12);
  if (readSync(fd, head, 0, 12, 0) < 12 || !looksLikeRawCapture(head)) {
    closeSync(fd);
    return { ok: false, message: `${path} is not a raw capture file (no "WSIRAW" magic)` };
  }
  if (head[7] !== RAW_VERSION) {
    closeSync(fd);
    return {
      ok: false,
      message: `${path}: raw capture version ${head[7]} is not supported (this wsi reads 1)`,
    };
  }
  const length = head.readUInt32LE(8);
  const json = Buffer.alloc(length);
  readSync(fd, json, 0, length, 12);
  let header: RawCaptureHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as RawCaptureHeader;
  } catch {
    closeSync(fd);
    return { ok: false, message: `${path}: the raw capture header is damaged` };
  }
  return { ok: true, header, reader: new RawCaptureReader(fd, 12 + pad8(length), true) };
}

/**
 * Reads entries in order from a raw capture file, starting at `position`. `limit` (the writer's flushed size when
 * reading a file still being written) bounds what is read. A cut last entry (the file ends inside it) ends the
 * reading and is reported by `cutBytes`.
 */
export class RawCaptureReader {
  private block = Buffer.alloc(1024 * 1024);
  private blockStart = 0;
  private blockLength = 0;
  /** Bytes at the end of the file that do not make a whole entry (a capture killed mid-write). */
  cutBytes = 0;

  constructor(
    private readonly fd: number,
    public position: number,
    private readonly ownsFd = false,
  ) {}

  static forFile(path: string, position: number): RawCaptureReader {
    return new RawCaptureReader(openSync(path, 'r'), position, true);
  }

  /** The next entry (its payload a view valid until the next call), or undefined at `limit`. */
  next(limit = this.fileSize()): { entry: RingEntry; size: number } | undefined {
    if (this.position + HEADER_BYTES > limit) {
      this.cutBytes = Math.max(0, limit - this.position);
      return undefined;
    }
    if (!this.loaded(this.position, HEADER_BYTES)) this.load(this.position, HEADER_BYTES, limit);
    const at = this.position - this.blockStart;
    const size = this.block.readUInt32LE(at);
    if (size < HEADER_BYTES || size % 8 !== 0) {
      this.cutBytes = limit - this.position;
      return undefined;
    }
    if (this.position + size > limit) {
      this.cutBytes = limit - this.position;
      return undefined;
    }
    if (!this.loaded(this.position, size)) this.load(this.position, size, limit);
    const offset = this.position - this.blockStart;
    const view = new DataView(this.block.buffer, this.block.byteOffset, this.block.byteLength);
    const entry = decodeEntry(view, this.block, offset);
    this.position += size;
    return { entry, size };
  }

  fileSize(): number {
    return fstatSync(this.fd).size;
  }

  close(): void {
    if (this.ownsFd) closeSync(this.fd);
  }

  private loaded(from: number, length: number): boolean {
    return from >= this.blockStart && from + length <= this.blockStart + this.blockLength;
  }

  private load(from: number, length: number, limit: number): void {
    if (length > this.block.length) this.block = Buffer.alloc(length * 2);
    const want = Math.min(this.block.length, Math.max(length, limit - from));
    let got = 0;
    while (got < want) {
      const n = readSync(this.fd, this.block, got, want - got, from + got);
      if (n === 0) break;
      got += n;
    }
    this.blockStart = from;
    this.blockLength = got;
  }
}
