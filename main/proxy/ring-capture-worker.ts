/**
 * The ring capture worker owns the proxy's recording: it reads what the relay thread put in the capture ring, parses
 * it into records (ConnectionRecorder per connection), writes the session file, and sends records to the views on
 * their own channel. Nothing comes back to the relay thread.
 *
 * When parsing falls behind (the ring half full), entries move from the ring to a spill file as they are and are
 * parsed from there until the parser has caught up: records arrive late but complete. Without a spill file a full
 * ring makes the relay thread hold its senders back (see RingCaptureHost).
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { CaptureEvent } from '../../shared/model/events.js';
import { serializeEvent } from '../../shared/session/serialize.js';
import { RingReader } from '../capture/ring/capture-ring.js';
import {
  RawCaptureReader,
  RawCaptureWriter,
  type RawCaptureHeader,
} from '../capture/ring/raw-capture-file.js';
import { PayloadStore } from '../capture/payload-store.js';
import { SessionWriter } from '../session/session-writer.js';
import { withFullPayloads } from '../session/full-payloads.js';
import { EntryRecorder } from './entry-recorder.js';
import { packRecords } from './record-packing.js';
import type { HostCommand, RecordBatch, RingWorkerData, WorkerReply } from './ring-capture-protocol.js';
import { lowerThreadPriority } from './worker-priority.js';

const data = workerData as RingWorkerData;
lowerThreadPriority(data.nice);

/** Parse in slices of this long, then look at the ring again. */
const SLICE_MS = 4;
/** Records reach the views at least this often. */
const POST_MS = 16;
/** While this much of the session file waits for the disk, parsing pauses (the spill or the ring absorb bytes). */
const FILE_BACKLOG_LIMIT = 16 * 1024 * 1024;
/**
 * Record batches posted and not yet taken by the session's thread. Beyond this parsing pauses too: a session thread
 * that cannot keep up (a busy app) makes recording wait in the spill file rather than in memory.
 */
const MAX_BATCHES_IN_FLIGHT = 8;

const ring = new RingReader(data.ring);
const clientRing = data.clientRing ? new RingReader(data.clientRing) : undefined;
const records = data.records;
let batchesInFlight = 0;
records.on('message', () => batchesInFlight--);
const sessionNow = (): number => performance.timeOrigin + performance.now() - data.sessionOriginEpoch;
const rawHeader = (): RawCaptureHeader => ({
  format: 'wsi-raw-capture',
  version: 1,
  startedAt: data.startedAt,
  createdBy: data.producer,
});

let fileError: string | undefined;
const file = data.sessionFile
  ? new SessionWriter(data.sessionFile.path, data.sessionFile.header, {
      append: true,
      onError: (error) => {
        fileError = error.message;
        parentPort?.postMessage({ k: 'file-error', message: error.message } satisfies WorkerReply);
      },
    })
  : undefined;
const filePayloads =
  data.sessionFile?.fullPayloads && data.sessionFile.maxStoredPayload > 0
    ? new PayloadStore({ maxPayload: data.sessionFile.maxStoredPayload })
    : undefined;

let outgoing: CaptureEvent[] = [];
let outgoingPayloads: NonNullable<RecordBatch['payloads']> = [];
let lastPost = performance.now();
const lifecycleOnly = data.recordsToHost === 'lifecycle';

const recorder = new EntryRecorder(
  {
    event: (event) => record(event),
    payload: (conn, ref, bytes) => {
      filePayloads?.keep(conn, ref, bytes);
      if (data.sendPayloads) outgoingPayloads.push([conn, ref, bytes.slice()]);
    },
  },
  {
    now: sessionNow,
    readyAt: sessionNow(),
    line: (text) => file?.appendLine(text),
    ...(data.parseDelayUs ? { parseDelayUs: data.parseDelayUs } : {}),
  },
);

function record(event: CaptureEvent): void {
  if (file) {
    if (filePayloads) file.append(withFullPayloads([event], filePayloads));
    else file.appendLine(serializeEvent(event));
  }
  if (!lifecycleOnly || (event.type !== 'frame' && event.type !== 'message')) outgoing.push(event);
}

function post(force = false): void {
  if (outgoing.length === 0 && outgoingPayloads.length === 0) return;
  if (!force && performance.now() - lastPost < POST_MS && outgoing.length < 2000) return;
  const batch: RecordBatch = {
    records: packRecords(outgoing),
    ...(outgoingPayloads.length > 0 ? { payloads: outgoingPayloads } : {}),
  };
  outgoing = [];
  outgoingPayloads = [];
  lastPost = performance.now();
  batchesInFlight++;
  records.postMessage(batch);
}

let spilledTotal = 0;

/**
 * Where entries wait, in ring order, when they are not parsed straight from the ring. With `--raw` it is the raw
 * capture file and every entry goes through it (so a capture killed at any moment has on disk all but the last
 * flush interval); otherwise a temporary spill file, opened when parsing falls behind (the ring half full) and
 * removed once parsing has caught up.
 */
interface Store {
  writer: RawCaptureWriter;
  reader: RawCaptureReader;
  permanent: boolean;
  path: string;
}

const openStore = (path: string, permanent: boolean): Store => {
  const writer = new RawCaptureWriter(path, rawHeader(), permanent ? {} : { flushIntervalMs: 0 });
  return { writer, reader: RawCaptureReader.forFile(path, writer.headerBytes), permanent, path };
};

let store: Store | undefined = data.rawPath ? openStore(data.rawPath, true) : undefined;

/** Moves everything in the ring to the store. */
function drainRingToStore(): void {
  if (!store && data.spillPath) store = openStore(data.spillPath, false);
  if (!store) return;
  const { writer, reader } = store;
  ring.read((entry, bytes) => {
    // Bytes that wait for the parser (always, in a temporary spill) count as spilled.
    if (!store?.permanent || writer.size > reader.position) {
      spilledTotal += bytes.length;
      recorder.noteSpilled(entry.conn, bytes.length);
    }
    writer.append(bytes);
  });
}

/** Parses stored entries until `deadline`; a temporary spill that is used up is removed. */
function parseStore(current: Store, deadline: number): void {
  const { writer, reader } = current;
  if (writer.flushedSize < writer.size && reader.position >= writer.flushedSize) writer.flush();
  let n = 0;
  for (;;) {
    const next = reader.next(writer.flushedSize);
    if (!next) {
      if (!current.permanent && writer.size === writer.flushedSize) {
        writer.close();
        reader.close();
        rmSync(current.path, { force: true });
        store = undefined;
      }
      return;
    }
    recorder.process(next.entry);
    // Checked every few entries: reading the clock costs more than a small entry.
    if (++n % 8 === 0) {
      if (performance.now() >= deadline) return;
      if (ring.used > 0) drainRingToStore();
    }
  }
}

function parseRing(from: RingReader, deadline: number): void {
  let visited = 0;
  from.read((entry) => {
    recorder.process(entry);
    return ++visited % 8 !== 0 || performance.now() < deadline;
  });
}

/**
 * One slice of work: 'worked', 'idle' (nothing to do), or 'waiting' (work to do, held back by the disk or the
 * session's thread).
 */
function step(): 'worked' | 'idle' | 'waiting' {
  const deadline = performance.now() + SLICE_MS;
  const pending = ring.used > 0 || (clientRing?.used ?? 0) > 0;
  if (store || (data.spillPath && ring.used > ring.capacity / 2)) drainRingToStore();
  const busy =
    (file !== undefined && file.backlog > FILE_BACKLOG_LIMIT) || batchesInFlight >= MAX_BATCHES_IN_FLIGHT;
  const current = store;
  if (!busy) {
    // The session's own client connections first: they are few, and their sender cannot be held back.
    if (clientRing) parseRing(clientRing, deadline);
    if (current) parseStore(current, deadline);
    else parseRing(ring, deadline);
  }
  post();
  const storeBehind = current !== undefined && current.reader.position < current.writer.size;
  if (!pending && !storeBehind) return 'idle';
  return busy ? 'waiting' : 'worked';
}

let settling: { deadline: number } | undefined;
let open = 0;
let idleMs = 1;

async function run(): Promise<void> {
  parentPort?.postMessage({ k: 'ready' } satisfies WorkerReply);
  for (;;) {
    const state = step();
    if (
      settling &&
      state === 'idle' &&
      (recorder.open.length === 0 || performance.now() > settling.deadline)
    ) {
      // Connections still open when time runs out end here, so the session file is whole.
      open = recorder.open.length;
      recorder.endAll(sessionNow());
      await finish();
      settling = undefined;
    }
    if (state === 'worked') {
      idleMs = 1;
      await new Promise((resolve) => setImmediate(resolve));
    } else if (state === 'waiting') {
      idleMs = 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
    } else {
      // Polling, not woken per chunk: the relay thread never pays for a wake-up. Idle polls slow down to 8 ms.
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      idleMs = Math.min(8, idleMs * 2);
    }
  }
}

async function finish(): Promise<void> {
  post(true);
  if (store?.permanent) store.writer.close();
  await file?.close();
  parentPort?.postMessage({
    k: 'settled',
    maxLagMs: Math.round(recorder.maxLagMs * 10) / 10,
    spilledBytes: spilledTotal,
    open,
    ...(fileError ? { sessionFileError: fileError } : {}),
  } satisfies WorkerReply);
}

parentPort?.on('message', (command: HostCommand) => {
  if (command.k === 'settle') settling = { deadline: performance.now() + command.timeoutMs };
});

void run();
