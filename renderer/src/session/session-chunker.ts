import type { CaptureEvent, ConnectionId } from '../../../shared/model/events.js';
import type { ScannedRecord } from '../../../shared/session/record-scanner.js';
import type { ColumnChunk } from '../store/columnar-log.js';
import { ColumnarLog } from '../store/columnar-log.js';

/** A connection's records of one batch: a few as objects, many as a chunk of columns. */
export type OpenItem = { events: CaptureEvent[] } | { chunk: ColumnChunk };

/** Below this many records of a connection in a batch, they travel as objects: columns would cost more than save. */
const SMALL = 64;

interface Pending {
  log: ColumnarLog;
  /** This batch's records of the connection while there are few (while `small`). */
  events: CaptureEvent[];
  /**
   * Whether the batch's records travel as objects. (A flag, not `events` set to null: a field that changes from an
   * array to null changes the entries' layout in V8, which throws away the optimised code that has seen one.)
   */
  small: boolean;
  count: number;
}

const newPending = (log: ColumnarLog): Pending => ({ log, events: [], small: true, count: 0 });

/**
 * Cuts a stream of records into batches for the page, per connection in the order connections first appear: each
 * connection's records go into a ColumnarLog here (off the page's thread), which hands them over as a chunk of typed
 * arrays the page adopts without building a record per row.
 */
export class SessionChunker {
  private readonly pending = new Map<ConnectionId, Pending>();
  /** Connections with records in the current batch, in order of their first. */
  private touched: Pending[] = [];
  private size = 0;
  /** The connection of the last scanned record, and its entry (consecutive records are mostly of one connection). */
  private lastConn: ConnectionId | undefined;
  private last: Pending | undefined;

  /** Records in the current batch. */
  get length(): number {
    return this.size;
  }

  push(event: CaptureEvent): void {
    let entry = this.pending.get(event.conn);
    if (!entry) this.pending.set(event.conn, (entry = newPending(new ColumnarLog())));
    entry.log.push(event);
    this.added(entry, event);
  }

  /**
   * A record scanned from a line of the file (see RecordScanner), added straight to the columns; false, adding nothing,
   * when they would hold it as an object: then the line is to be parsed and `push`ed.
   */
  pushScanned(record: ScannedRecord, conn: ConnectionId): boolean {
    const existing = conn === this.lastConn ? this.last : this.pending.get(conn);
    const log = existing?.log ?? new ColumnarLog();
    const index = log.pushScanned(record, conn);
    if (index < 0) return false;
    let entry = existing;
    if (!entry) this.pending.set(conn, (entry = newPending(log)));
    this.lastConn = conn;
    this.last = entry;
    // While the connection's records of this batch are few they travel as objects: only then is one built.
    this.added(entry, entry.small && entry.count < SMALL ? log.get(index)! : null);
    return true;
  }

  private added(entry: Pending, event: CaptureEvent | null): void {
    if (entry.count === 0) this.touched.push(entry);
    entry.count++;
    if (entry.small) {
      if (entry.count <= SMALL) entry.events.push(event!);
      else {
        entry.small = false;
        entry.events = [];
      }
    }
    this.size++;
  }

  /** The current batch, and a new one begins. */
  take(): OpenItem[] {
    const items: OpenItem[] = [];
    for (const entry of this.touched) {
      const chunk = entry.log.takeChunk();
      items.push(entry.small ? { events: entry.events } : { chunk });
      entry.events = [];
      entry.small = true;
      entry.count = 0;
    }
    this.touched = [];
    this.size = 0;
    return items;
  }
}
