/** What the relay thread's RingCaptureHost and the ring capture worker tell each other (never per chunk). */
import type { MessagePort } from 'node:worker_threads';
import type { SessionHeader } from '../../shared/model/session.js';
import type { RingBuffers } from '../capture/ring/capture-ring.js';
import type { PackedRecord } from './record-packing.js';

/** Which records the worker sends to the host for the views (the session file, if any, always gets all). */
export type RecordsToHost = 'all' | 'lifecycle';

export interface RingWorkerData {
  ring: RingBuffers;
  /** The session thread's ring (its client connections): parsed as it comes, never spilled. */
  clientRing?: RingBuffers;
  /** The channel records go out on (to the views, not to the relay's sockets). */
  records: MessagePort;
  nice: number;
  /** Epoch ms (high resolution) of session time 0, to measure how far behind recording runs. */
  sessionOriginEpoch: number;
  startedAt: number;
  producer: string;
  /** Where to spill when parsing falls behind; absent: no spill (a full ring then holds the relay back). */
  spillPath?: string;
  /** Keep every entry in a raw capture file (`--raw`). */
  rawPath?: string;
  /** The worker writes the session file. */
  sessionFile?: { path: string; header: SessionHeader; fullPayloads: boolean; maxStoredPayload: number };
  recordsToHost: RecordsToHost;
  /** Full payloads go to the host's store (the app's "Load full payload"). */
  sendPayloads: boolean;
  /** Test hook: busy-wait this many microseconds per stream chunk parsed (a slow parser on purpose). */
  parseDelayUs?: number;
}

export interface RecordBatch {
  records: PackedRecord[];
  /** Full payloads kept since the last batch, to enter the store before the records that refer to them. */
  payloads?: [conn: string, ref: string, bytes: Uint8Array][];
}

/** Host → worker on the worker's parent port. */
export type HostCommand = { k: 'settle'; timeoutMs: number };

/** Worker → host on the parent port. */
export type WorkerReply =
  | {
      k: 'settled';
      /** Worst lag of any record behind its bytes, ms; bytes that went through the spill file. */
      maxLagMs: number;
      spilledBytes: number;
      /** Connections the worker still had open when it gave up waiting. */
      open: number;
      sessionFileError?: string;
    }
  | { k: 'file-error'; message: string }
  /** The worker runs and reads the rings (entries written before waited there). */
  | { k: 'ready' };
