/**
 * Capture worker: runs the capture core's ConnectionRecorder for proxied connections off the relay thread, at a
 * lower OS priority, so parsing and record building only use CPU the relay does not need.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CaptureEvent } from '../../shared/model/events.js';
import { defaultProtocolStages } from '../capture/default-stages.js';
import { serializeEvent } from '../../shared/session/serialize.js';
import { chunkEvents, type CaptureOp } from './capture-worker-protocol.js';
import { packRecords } from './record-packing.js';
import { CaptureOpApplier } from './capture-op-applier.js';
import { lowerThreadPriority } from './worker-priority.js';
import type { WorkerResult } from './worker-capture.js';

const { nice, results } = workerData as { nice: number; results: MessagePort };

lowerThreadPriority(nice);

let events: CaptureEvent[] = [];
let payloads: NonNullable<WorkerResult['payloads']> = [];
const acks = new Map<string, number>();
/** Connections whose session writes a file: their records' lines are made here, off the relay thread. */
const lineConns = new Set<string>();
const applier = new CaptureOpApplier(defaultProtocolStages(), {
  event: (event) => events.push(event),
  // The relay thread's store has the last word (its budget); here only the per-payload limit applies. Posting a
  // view clones its whole buffer: send exactly the payload.
  payload: (conn, ref, bytes) =>
    payloads.push([conn, ref, bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()]),
});

function linesOf(chunk: CaptureEvent[]): (string | null)[] | undefined {
  if (lineConns.size === 0) return undefined;
  const lines = chunk.map((event) => (lineConns.has(event.conn) ? serializeEvent(event) : null));
  return lines.some((line) => line !== null) ? lines : undefined;
}

function apply(op: CaptureOp): void {
  if (op.k === 'open') {
    // The relay thread already recorded the `connection` record; everything after it comes from here.
    applier.open(op, false);
    if (op.serializedLines) lineConns.add(op.conn);
    return;
  }
  if (op.k === 'bytes' && applier.has(op.conn)) acks.set(op.conn, (acks.get(op.conn) ?? 0) + op.data.length);
  // An `end`'s last records are serialized in post(), before the next batch.
  applier.apply(op);
}

/**
 * Records go out on `results` in small chunks that the relay thread pulls one at a time between socket reads (a
 * chunk is only deserialized when taken); `parentPort` carries one wake-up per batch.
 */
function post(): void {
  const chunks = chunkEvents(events);
  if (chunks.length === 0) chunks.push([]);
  chunks.forEach((chunk, i) => {
    const lines = linesOf(chunk);
    const result: WorkerResult = {
      records: packRecords(chunk),
      ...(lines ? { lines } : {}),
      // Credited when the relay thread takes the last chunk: records not yet taken still count as in flight.
      acks: i === chunks.length - 1 ? [...acks] : [],
      // Full payloads enter the store before any of the batch's records.
      ...(i === 0 && payloads.length > 0 ? { payloads } : {}),
    };
    results.postMessage(result);
  });
  events = [];
  payloads = [];
  acks.clear();
  for (const conn of lineConns) if (!applier.has(conn)) lineConns.delete(conn);
  parentPort?.postMessage(chunks.length);
}

parentPort?.on('message', (ops: CaptureOp[]) => {
  for (const op of ops) {
    try {
      apply(op);
    } catch {
      // One bad op must not stop the others; the recorder reports its own internal errors as records.
    }
  }
  post();
});
