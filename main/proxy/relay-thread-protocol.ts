/** Messages between the session's thread and the relay thread (see threaded-controller.ts, relay-thread.ts). */
import type { MessagePort } from 'node:worker_threads';
import type {
  BreakpointSettings,
  HeldMessage,
  ReleaseHeldRequest,
  ConnectionFault,
  InjectMessageRequest,
  ProxyInfo,
  StartProxyRequest,
} from '../../shared/api/contract.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { SessionFileSpec } from '../core/proxy-controller.js';
import type { ProxyControllerOptions } from './controller.js';
import type { CaptureSummary } from './ring-capture.js';

/** Everything the relay thread needs to know of the session, all of it cloneable. */
export interface RelayThreadData {
  controller: Omit<ProxyControllerOptions, 'records'>;
  connectionIds: SharedArrayBuffer;
  /** Epoch ms (high resolution) of session time 0. */
  sessionOriginEpoch: number;
  startedAt: number;
  producer: string;
  maxCapturedPayload?: number;
  previewRateLimit?: number;
  /** The views' full-payload store limit (payloads reach the store through `records`). */
  maxStoredPayload: number;
  /** Handed on to the capture worker: its records go straight to the session's thread. */
  records: MessagePort;
  sessionFile?: SessionFileSpec;
}

export type RelayRequest =
  | { id: number; k: 'start'; request: StartProxyRequest }
  | { id: number; k: 'stop'; proxy: string }
  | { id: number; k: 'list' }
  | { id: number; k: 'inject'; conn: string; fault: ConnectionFault }
  | { id: number; k: 'inject-message'; request: InjectMessageRequest }
  | { id: number; k: 'set-breakpoints'; settings: BreakpointSettings }
  | { id: number; k: 'release-held'; request: ReleaseHeldRequest }
  | { id: number; k: 'dispose' }
  | { k: 'append'; events: CaptureEvent[] };

export type RelayReply =
  | { id: number; ok: true; value?: ProxyInfo | ProxyInfo[] | CaptureSummary }
  | { id: number; ok: false; name: string; message: string }
  | { k: 'proxies'; proxies: ProxyInfo[] }
  | { k: 'held'; held: HeldMessage[] }
  | { k: 'capture-failed'; message: string }
  | { k: 'file-error'; message: string };
