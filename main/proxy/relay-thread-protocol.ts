/** Messages between the session's thread and the relay thread (see threaded-controller.ts, relay-thread.ts). */
import type {
  BreakpointSettings,
  HeldMessage,
  ReleaseHeldRequest,
  ConnectionFault,
  InjectMessageRequest,
  ProxyInfo,
  StartProxyRequest,
} from '../../shared/api/contract.js';
import type { ProxyControllerOptions } from './controller.js';
import type { CaptureSummary } from './ring-capture.js';
import type { RingBuffers } from '../capture/ring/capture-ring.js';

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
  /** Full payloads up to this size are kept by the capture worker (announced in each connection's open). */
  maxStoredPayload: number;
  /** The capture ring this thread writes; the session's thread runs the worker that reads it. */
  ring: RingBuffers;
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
  | { k: 'capture-failed' };

export type RelayReply =
  | { id: number; ok: true; value?: ProxyInfo | ProxyInfo[] | CaptureSummary }
  | { id: number; ok: false; name: string; message: string }
  | { k: 'proxies'; proxies: ProxyInfo[] }
  | { k: 'held'; held: HeldMessage[] };
