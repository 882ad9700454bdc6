import type { ConnectionId } from '../../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem } from '../../../shared/model/session.js';
import type { OpenItem } from './session-chunker.js';

/** What a reader of one part of a file sends with each batch. */
export interface PartBatch {
  header?: SessionHeader;
  items: OpenItem[];
  problems: SessionReadProblem[];
  /** Bytes of the part read when the batch was sent; of the file, once joined. */
  bytesRead: number;
}

/** What a reader of one part says when it has read the part whole. */
export interface PartRead {
  lines: number;
  /** Whether a line that is not blank was among them, or the part began after one. */
  pastHeader: boolean;
  bytesRead: number;
}

const connOf = (item: OpenItem): ConnectionId | undefined =>
  'chunk' in item ? item.chunk.conn : item.events[0]?.conn;

const entriesOf = (item: OpenItem): number => ('chunk' in item ? item.chunk.count : item.events.length);

/**
 * Joins the batches of the readers of a file's parts (read at once, each on its own thread) into the batches one
 * reader of the whole file would have sent, in file order: a part's batches wait until the parts before it are read
 * whole, then go out with their line numbers counted from the file's start and their chunks placed after the
 * entries the earlier parts gave each connection.
 */
export class PartJoiner {
  private readonly waiting: PartBatch[][];
  private readonly read: (PartRead | null)[];
  /** The first part whose batches cannot go out yet (all before it are read whole). */
  private current = 0;
  /** Lines and bytes of the parts before `current`. */
  private lineOffset = 0;
  private byteOffset = 0;
  /** Entries given out per connection. */
  private readonly entries = new Map<ConnectionId, number>();
  private headerMissed = false;

  constructor(parts: number) {
    this.waiting = Array.from({ length: parts }, () => []);
    this.read = Array.from({ length: parts }, () => null);
  }

  /** Whether every part is read whole and given out. */
  get complete(): boolean {
    return this.current === this.read.length;
  }

  /** A batch of part `part`: the batches that can go out now, in order. */
  batch(part: number, batch: PartBatch): PartBatch[] {
    if (part !== this.current) {
      this.waiting[part]!.push(batch);
      return [];
    }
    return [this.place(batch)];
  }

  /**
   * Whether the parts cannot be joined: the first part held only blank lines, so the header (the first line that is
   * not blank) was read as a record by a later part. The file is then to be read whole.
   */
  get misread(): boolean {
    return this.headerMissed;
  }

  /** Part `part` is read whole: the batches of later parts that can go out now, in order. */
  done(part: number, read: PartRead): PartBatch[] {
    if (part === 0 && !read.pastHeader && this.read.length > 1) this.headerMissed = true;
    this.read[part] = read;
    const out: PartBatch[] = [];
    while (this.current < this.read.length && this.read[this.current]) {
      this.lineOffset += this.read[this.current]!.lines;
      this.byteOffset += this.read[this.current]!.bytesRead;
      this.current++;
      if (this.current < this.read.length) {
        for (const batch of this.waiting[this.current]!) out.push(this.place(batch));
        this.waiting[this.current] = [];
      }
    }
    return out;
  }

  private place(batch: PartBatch): PartBatch {
    const offset = this.lineOffset;
    for (const item of batch.items) {
      const conn = connOf(item);
      if (conn === undefined) continue;
      const before = this.entries.get(conn) ?? 0;
      if ('chunk' in item) item.chunk.start = before;
      this.entries.set(conn, before + entriesOf(item));
    }
    return {
      ...batch,
      problems: offset ? batch.problems.map((p) => ({ ...p, line: p.line + offset })) : batch.problems,
      bytesRead: batch.bytesRead + this.byteOffset,
    };
  }
}
