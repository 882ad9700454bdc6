import { closeSync, createWriteStream, writeSync, type WriteStream } from 'node:fs';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { SessionHeader } from '../../shared/model/session.js';
import { serializeEvent, serializeHeader } from '../../shared/session/serialize.js';
import { openPrivateSync } from './private-file.js';

/**
 * Creates the session file with its header, synchronously and owner-only, for a writer that appends to it later
 * (another thread's). False if it cannot be created: the caller then lets a SessionWriter report why.
 */
export function startSessionFile(path: string, header: SessionHeader): boolean {
  try {
    const fd = openPrivateSync(path);
    try {
      writeSync(fd, serializeHeader(header));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}

/** Bytes encoded before they go to the stream (a larger line is written on its own). */
const CHUNK_BYTES = 1024 * 1024;

export interface SessionWriterOptions {
  /** Longest a record stays in memory before it is handed to the file. */
  flushIntervalMs?: number;
  /** Called once if the file cannot be written; recording continues in memory. */
  onError?: (error: Error) => void;
  /** The file exists with its header (written by whoever handed it over): append records to it. */
  append?: boolean;
}

/**
 * Writes a session as JSON Lines while it is recorded: the header at once, then records buffered and flushed at least
 * every `flushIntervalMs` and on close, so killing the process loses at most that much.
 */
export class SessionWriter {
  private readonly stream: WriteStream | undefined;
  /** Lines are encoded into this chunk as they come; a full chunk goes to the stream at once. */
  private chunk: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  private readonly timer: NodeJS.Timeout;
  private failed: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly path: string,
    header: SessionHeader,
    private readonly options: SessionWriterOptions = {},
  ) {
    // Created and headed synchronously: the file exists (or the failure is known) before anything is recorded.
    try {
      const fd = openPrivateSync(path, options.append ? 'a' : 'w');
      if (!options.append) writeSync(fd, serializeHeader(header));
      this.stream = createWriteStream('', { fd });
      this.stream.on('error', (error) => this.fail(error));
    } catch (error) {
      this.stream = undefined;
      queueMicrotask(() => this.fail(error instanceof Error ? error : new Error(String(error))));
    }
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? 200);
    this.timer.unref();
  }

  get error(): Error | undefined {
    return this.failed;
  }

  append(events: readonly CaptureEvent[]): void {
    if (this.failed || this.closing) return;
    for (const event of events) this.appendLine(serializeEvent(event));
  }

  /**
   * A record already serialized (one line with its newline). Encoded into the current chunk at once (no list of
   * strings joined later: at capture rates, the join and a second pass over it cost as much as the parsing).
   */
  appendLine(line: string): void {
    if (this.failed || this.closing) return;
    const room = line.length * 3; // UTF-8 bytes at most
    if (this.used + room > this.chunk.length) {
      this.flush();
      if (room > CHUNK_BYTES) {
        this.stream?.write(line);
        return;
      }
      this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    }
    this.used += this.chunk.write(line, this.used);
  }

  /**
   * What is waiting to reach the disk (buffered lines and bytes the stream has not written yet). Producers that can
   * wait (the capture worker) hold back while this is high, so a slow disk bounds memory instead of growing it.
   */
  get backlog(): number {
    return this.used + (this.stream?.writableLength ?? 0);
  }

  flush(): void {
    if (this.used === 0 || this.failed || !this.stream) return;
    const filled = this.chunk.subarray(0, this.used);
    // The stream keeps the bytes until they are written: later lines go into a new chunk.
    this.chunk = this.chunk.subarray(this.used);
    this.used = 0;
    this.stream.write(filled);
  }

  /** Flush what is buffered and close the file. Safe to call more than once. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.timer);
      this.flush();
      const stream = this.stream;
      if (this.failed || !stream || stream.destroyed) {
        resolve();
        return;
      }
      stream.end(() => resolve());
      stream.once('error', () => resolve());
    });
    return this.closing;
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    this.chunk = Buffer.allocUnsafe(0);
    this.used = 0;
    this.options.onError?.(error);
  }
}
