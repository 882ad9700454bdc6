/** Messages between the relay thread and the capture worker (see worker-capture.ts, capture-worker.ts). */
import type { ActionEvent, CaptureEvent, ConnectionEvent } from '../../shared/model/events.js';
import type {
  HandshakeTiming,
  HttpRequestHead,
  HttpResponseHead,
  TlsSummary,
} from '../../shared/model/handshake.js';
import type { InjectedFault } from '../../shared/model/fault.js';
import type { Direction, Side } from '../../shared/model/wire.js';
import type { ProxyLeg } from './capture.js';
import type { PackedRecord } from './record-packing.js';

/** Every op names its connection by `conn` and carries `at`, the session time (ms) the relay saw it. */
export type CaptureOp =
  | {
      k: 'open';
      conn: string;
      at: number;
      url: string;
      peer?: string;
      target?: string;
      /** A client connection of the session (the inspector's own, see client-ring-recorder.ts); default proxy. */
      mode?: 'client';
      options?: ConnectionEvent['options'];
      link?: Pick<ConnectionEvent, 'reconnectOf' | 'attempt' | 'reconnectDelayMs'>;
      startedAt: number;
      maxCapturedPayload?: number;
      previewRateLimit?: number;
      /** Send each record's session-file line along with it (`lines` in the result). */
      serializedLines?: boolean;
    }
  | { k: 'req'; conn: string; at: number; leg: ProxyLeg; head: HttpRequestHead }
  | {
      k: 'res';
      conn: string;
      at: number;
      leg: ProxyLeg;
      head: HttpResponseHead;
      timing: HandshakeTiming;
      body?: Uint8Array;
      tls?: TlsSummary;
    }
  | { k: 'bytes'; conn: string; at: number; dir: Direction; data: Uint8Array }
  | { k: 'dropped'; conn: string; at: number; dir: Direction; frames: number; bytes: number; lost: boolean }
  | { k: 'tcp'; conn: string; at: number; leg?: ProxyLeg; kind: 'connect' | 'fin' | 'rst'; side: Side }
  | { k: 'error'; conn: string; at: number; leg?: ProxyLeg; code: string; message: string; side?: Side }
  | { k: 'fault'; conn: string; at: number; fault: InjectedFault }
  | { k: 'end'; conn: string; at: number }
  // Client connections only:
  | { k: 'mark'; conn: string; at: number; phase: keyof HandshakeTiming }
  | { k: 'tls'; conn: string; at: number; tls: TlsSummary }
  | { k: 'action'; conn: string; at: number; action: ActionEvent['action']; detail?: string };

export interface CaptureResult {
  /** The records of one chunk, in order (see record-packing.ts). */
  records: PackedRecord[];
  /** Session-file lines of `records`, by index, for connections opened with `serializedLines`. */
  lines?: (string | null)[];
  /** Bytes of `bytes` ops processed, per connection, since the last result. */
  acks: [conn: string, bytes: number][];
}

export interface ChunkLimits {
  /** Records per chunk. */
  events: number;
  /** Payload characters (frame and message `data`) per chunk; a single larger record still makes one chunk. */
  dataChars: number;
}

/** Small enough that taking one chunk costs the relay thread a fraction of a millisecond. */
export const defaultChunkLimits: ChunkLimits = { events: 32, dataChars: 128 * 1024 };

const dataChars = (event: CaptureEvent): number =>
  event.type === 'frame' ? event.frame.data.length : event.type === 'message' ? event.message.data.length : 0;

/**
 * Splits the records of one worker batch into chunks the relay thread takes one at a time between socket reads.
 * A message record stays in the chunk of the frame before it, so it can be rebuilt from that frame (see
 * record-packing.ts).
 */
export function chunkEvents(events: CaptureEvent[], limits = defaultChunkLimits): CaptureEvent[][] {
  const chunks: CaptureEvent[][] = [];
  let chunk: CaptureEvent[] = [];
  let chars = 0;
  for (const event of events) {
    const full = chunk.length >= limits.events || chars >= limits.dataChars;
    if (full && event.type !== 'message') {
      chunks.push(chunk);
      chunk = [];
      chars = 0;
    }
    chunk.push(event);
    chars += dataChars(event);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
