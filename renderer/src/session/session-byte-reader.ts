import type { CaptureEvent, ConnectionId } from '../../../shared/model/events.js';
import type { SessionLineReaderOptions, SessionStreamBatch } from '../../../shared/session/index.js';
import { createSessionLineReader } from '../../../shared/session/index.js';
import type { ScannedRecord } from '../../../shared/session/record-scanner.js';
import { newScannedRecord, RecordScanner } from '../../../shared/session/record-scanner.js';

/** Where the records of a session file go, in file order. */
export interface SessionRecordSink {
  /**
   * A frame or message line read by the scanner (its byte ranges point into `line`): true when taken, false to have
   * the line read as text instead.
   */
  scanned(record: ScannedRecord, conn: ConnectionId, line: Uint8Array): boolean;
  /** A record read as text. */
  event(event: CaptureEvent): void;
}

export interface SessionByteReader {
  /** Feed the file's next bytes; a line may span any number of pieces. Records go to the sink; `events` stays empty. */
  push(bytes: Uint8Array): SessionStreamBatch;
  /** The input is complete (see SessionStreamParser.end). */
  end(): SessionStreamBatch;
  /** Lines seen so far. */
  readonly lines: number;
  /** Whether the header (the first line that is not blank) has been read, or the reader began after it. */
  readonly pastHeader: boolean;
}

const NEWLINE = 0x0a;
const RETURN = 0x0d;
const OPEN = 0x7b;

/**
 * A session-file reader that works on the file's bytes: frame and message lines of the common shape are scanned
 * straight into the sink (no text, no JSON.parse), every other line is decoded and read as `createSessionStreamParser`
 * reads it, so records, problems and their line numbers are the same.
 */
export function createSessionByteReader(
  sink: SessionRecordSink,
  options: SessionLineReaderOptions = {},
): SessionByteReader {
  const lines = createSessionLineReader(options);
  // Each line is decoded on its own; only the file's first bytes may be a byte order mark (dropped, as a streaming
  // TextDecoder would).
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const scanner = new RecordScanner();
  const record = newScannedRecord();
  let partial = new Uint8Array(1024);
  let partialLength = 0;
  let ended = false;
  let connBytes = new Uint8Array(64);
  let connLength = -1;
  let conn = '';

  /** The scanned record's conn, as a string made only when it differs from the last one. */
  function connOf(bytes: Uint8Array): ConnectionId {
    const start = record.connStart;
    const length = record.connEnd - start;
    let same = length === connLength;
    for (let i = 0; same && i < length; i++) same = bytes[start + i] === connBytes[i];
    if (same) return conn;
    if (connBytes.length < length) connBytes = new Uint8Array(length * 2);
    connBytes.set(bytes.subarray(start, start + length));
    connLength = length;
    // The scanner takes only printable ASCII without escapes: the bytes are the text.
    conn = decoder.decode(connBytes.subarray(0, length));
    return conn;
  }

  /**
   * A record line at `start` scanned and taken by the sink: the position after its line break, else -1. `stop` is
   * where the bytes end; the line break is found from the scanned record's end, so such a line is not searched for
   * one.
   */
  function scanLine(bytes: Uint8Array, start: number, stop: number): number {
    if (bytes[start] !== OPEN || !lines.pastHeader) return -1;
    const end = scanner.scan(bytes, start, stop, record);
    if (end < 0) return -1;
    const next =
      bytes[end] === NEWLINE ? end + 1 : bytes[end] === RETURN && bytes[end + 1] === NEWLINE ? end + 2 : -1;
    if (next < 0 || next > stop || !sink.scanned(record, connOf(bytes), bytes)) return -1;
    lines.skip();
    return next;
  }

  /** Reads the line `bytes[start, end)` (without its "\n") as text. */
  function readLine(
    bytes: Uint8Array,
    start: number,
    end: number,
    isTail: boolean,
    out: SessionStreamBatch,
  ): void {
    if (
      !lines.pastHeader &&
      lines.lines === 0 &&
      bytes[start] === 0xef &&
      bytes[start + 1] === 0xbb &&
      bytes[start + 2] === 0xbf
    )
      start += 3;
    lines.read(decoder.decode(bytes.subarray(start, end)), isTail, out);
    for (const event of out.events) sink.event(event);
    out.events.length = 0;
  }

  function keep(bytes: Uint8Array, start: number, end: number): void {
    const needed = partialLength + end - start;
    if (partial.length < needed) {
      const grown = new Uint8Array(Math.max(needed, partial.length * 2));
      grown.set(partial.subarray(0, partialLength));
      partial = grown;
    }
    partial.set(bytes.subarray(start, end), partialLength);
    partialLength = needed;
  }

  return {
    get lines() {
      return lines.lines;
    },
    get pastHeader() {
      return lines.pastHeader;
    },
    push(bytes) {
      if (ended) throw new Error('push after end');
      const out: SessionStreamBatch = { events: [], problems: [] };
      const length = bytes.length;
      let start = 0;
      if (partialLength > 0) {
        const newline = bytes.indexOf(NEWLINE);
        if (newline === -1) {
          keep(bytes, 0, length);
          return out;
        }
        keep(bytes, 0, newline + 1);
        if (scanLine(partial, 0, partialLength) < 0) readLine(partial, 0, partialLength - 1, false, out);
        partialLength = 0;
        start = newline + 1;
      }
      // Lines are scanned only up to the last line break: the scanner never runs off the end of the bytes (reading
      // past a typed array's end makes V8 throw away the scanner's optimised code, ~100 times per reader).
      const complete = bytes.lastIndexOf(NEWLINE) + 1;
      while (start < complete) {
        const next = scanLine(bytes, start, complete);
        if (next >= 0) {
          start = next;
          continue;
        }
        const newline = bytes.indexOf(NEWLINE, start);
        readLine(bytes, start, newline, false, out);
        start = newline + 1;
      }
      if (start < length) keep(bytes, start, length);
      return out;
    },
    end() {
      const out: SessionStreamBatch = { events: [], problems: [] };
      if (ended) return out;
      ended = true;
      readLine(partial, 0, partialLength, true, out);
      partialLength = 0;
      lines.finish(out);
      return out;
    },
  };
}
