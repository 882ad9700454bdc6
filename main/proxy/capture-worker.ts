/**
 * Capture worker: runs the capture core's ConnectionRecorder for proxied connections off the relay thread, at a
 * lower OS priority, so parsing and record building only use CPU the relay does not need.
 */
import { readlinkSync } from 'node:fs';
import os from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { CaptureEvent } from '../../shared/model/events.js';
import { ConnectionRecorder } from '../capture/connection-recorder.js';
import { defaultProtocolStages } from '../capture/default-stages.js';
import { serializeEvent } from '../../shared/session/serialize.js';
import { chunkEvents, type CaptureOp } from './capture-worker-protocol.js';
import { packRecords } from './record-packing.js';
import { recorderCapture } from './recorder-capture.js';
import type { ProxyCapture } from './capture.js';
import type { WorkerOpenOp, WorkerResult } from './worker-capture.js';

const { nice, results } = workerData as { nice: number; results: MessagePort };

function lowerPriority(): void {
  if (nice <= 0) return;
  try {
    // On Linux a thread is a task with its own nice value; /proc/thread-self names this thread's id.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, nice);
  } catch {
    // Not Linux or not permitted: capture still runs, at normal priority.
  }
}
lowerPriority();

const stages = defaultProtocolStages();
const connections = new Map<string, { capture: ProxyCapture; at: { now: number } }>();
let events: CaptureEvent[] = [];
let payloads: NonNullable<WorkerResult['payloads']> = [];
const acks = new Map<string, number>();
/** Connections whose session writes a file: their records' lines are made here, off the relay thread. */
const lineConns = new Set<string>();

function open(op: WorkerOpenOp): void {
  const maxPayload = op.maxStoredPayload ?? 0;
  const at = { now: op.at };
  const recorder = new ConnectionRecorder({
    conn: op.conn,
    mode: 'proxy',
    url: op.url,
    peer: op.peer,
    target: op.target,
    leg: 'downstream',
    clock: { startedAt: op.startedAt, now: () => at.now },
    // The relay thread already recorded the `connection` record; everything after it comes from here.
    emit: (event) => {
      if (event.type !== 'connection') events.push(event);
    },
    stages,
    ...(op.maxCapturedPayload !== undefined ? { maxCapturedPayload: op.maxCapturedPayload } : {}),
    ...(op.previewRateLimit !== undefined ? { previewRateLimit: op.previewRateLimit } : {}),
    ...(maxPayload > 0
      ? {
          // The relay thread's store has the last word (its budget); here only the per-payload limit applies.
          payloads: {
            maxPayload,
            keep: (conn: string, ref: string, bytes: Uint8Array) =>
              // Posting a view clones its whole buffer: send exactly the payload.
              payloads.push([
                conn,
                ref,
                bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice(),
              ]) > 0,
          },
        }
      : {}),
  });
  connections.set(op.conn, { capture: recorderCapture(recorder), at });
  if (op.serializedLines) lineConns.add(op.conn);
}

function linesOf(chunk: CaptureEvent[]): (string | null)[] | undefined {
  if (lineConns.size === 0) return undefined;
  const lines = chunk.map((event) => (lineConns.has(event.conn) ? serializeEvent(event) : null));
  return lines.some((line) => line !== null) ? lines : undefined;
}

function apply(op: CaptureOp): void {
  if (op.k === 'open') return open(op);
  const connection = connections.get(op.conn);
  if (!connection) return;
  connection.at.now = op.at;
  const { capture } = connection;
  switch (op.k) {
    case 'req':
      return capture.requestHead(op.leg, op.head);
    case 'res':
      return capture.responseHead(
        op.leg,
        op.head,
        op.timing,
        op.body ? Buffer.from(op.body) : undefined,
        op.tls,
      );
    case 'bytes':
      acks.set(op.conn, (acks.get(op.conn) ?? 0) + op.data.length);
      return capture
        .stream(op.dir)
        .bytes(Buffer.from(op.data.buffer, op.data.byteOffset, op.data.length), op.at);
    case 'dropped': {
      const stream = capture.stream(op.dir);
      return op.lost
        ? (stream.lost ?? stream.dropped)(op.frames, op.bytes)
        : stream.dropped(op.frames, op.bytes);
    }
    case 'tcp':
      return capture.tcp(op.leg, op.kind, op.side);
    case 'error':
      return capture.error(op.leg, op.code, op.message, op.side);
    case 'fault':
      return capture.fault(op.fault);
    case 'end':
      capture.end();
      connections.delete(op.conn);
      // Its last records (made by capture.end) are serialized in post(), before the next batch.
      return;
  }
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
  for (const conn of lineConns) if (!connections.has(conn)) lineConns.delete(conn);
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
