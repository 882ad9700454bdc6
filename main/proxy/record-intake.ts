import type { MessagePort } from 'node:worker_threads';
import type { CaptureEvent, ConnectionId } from '../../shared/model/events.js';
import type { ProxySession } from '../core/proxy-controller.js';
import type { RecordBatch } from './ring-capture-protocol.js';
import { unpackRecords } from './record-packing.js';

export const BATCH_TAKEN = 1;

/**
 * Where the ring capture worker's records enter the session: on the thread that keeps the session (the app's main
 * thread, the CLI's), never on the relay thread. Full payloads enter the store before the records that refer to
 * them.
 */
export class RecordIntake {
  /** Connections whose `end` has not arrived (reported as failed if the capture worker dies). */
  private readonly open = new Set<ConnectionId>();

  constructor(
    port: MessagePort,
    private readonly session: Pick<ProxySession, 'ingest' | 'payloads' | 'now'>,
  ) {
    port.on('message', (batch: RecordBatch) => {
      this.take(batch);
      // Taken: the worker may send another (it keeps only a few batches in flight, see ring-capture-worker.ts).
      port.postMessage(BATCH_TAKEN);
    });
    port.unref();
  }

  take(batch: RecordBatch): void {
    try {
      for (const [conn, ref, bytes] of batch.payloads ?? []) this.session.payloads?.keep(conn, ref, bytes);
      const events = unpackRecords(batch.records);
      for (const event of events) {
        if (event.type === 'connection') this.open.add(event.conn);
        else if (event.type === 'end') this.open.delete(event.conn);
      }
      this.session.ingest(events);
    } catch {
      // A failure taking one batch must not stop the ones behind it.
    }
  }

  /** Never silent: every connection the worker was recording gets an error and its end. */
  fail(message: string): void {
    const t = this.session.now();
    const events: CaptureEvent[] = [];
    for (const conn of this.open) {
      events.push({ type: 'error', conn, t, code: 'CAPTURE_WORKER_FAILED', message });
      events.push({ type: 'end', conn, t });
    }
    this.open.clear();
    if (events.length > 0) this.session.ingest(events);
  }
}
