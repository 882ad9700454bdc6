/** Messages between the relay thread and the capture worker (see worker-capture.ts, capture-worker.ts). */
import type { CaptureEvent } from '../../shared/model/events.js';
import type { HandshakeTiming, HttpRequestHead, HttpResponseHead } from '../../shared/model/handshake.js';
import type { InjectedFault } from '../../shared/model/fault.js';
import type { Direction, Side } from '../../shared/model/wire.js';
import type { ProxyLeg } from './capture.js';

/** Every op names its connection by `conn` and carries `at`, the session time (ms) the relay saw it. */
export type CaptureOp =
  | {
      k: 'open';
      conn: string;
      at: number;
      url: string;
      peer: string;
      target: string;
      startedAt: number;
      maxCapturedPayload?: number;
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
    }
  | { k: 'bytes'; conn: string; at: number; dir: Direction; data: Uint8Array }
  | { k: 'dropped'; conn: string; at: number; dir: Direction; frames: number; bytes: number; lost: boolean }
  | { k: 'tcp'; conn: string; at: number; leg: ProxyLeg; kind: 'connect' | 'fin' | 'rst'; side: Side }
  | { k: 'error'; conn: string; at: number; leg?: ProxyLeg; code: string; message: string; side?: Side }
  | { k: 'fault'; conn: string; at: number; fault: InjectedFault }
  | { k: 'end'; conn: string; at: number };

export interface CaptureResult {
  events: CaptureEvent[];
  /** Bytes of `bytes` ops processed, per connection, since the last result. */
  acks: [conn: string, bytes: number][];
}
