import type { FrameRecord, MessageRecord, ViolationRecord } from './frame.js';
import type {
  AcceptCheck,
  CappedBytes,
  HandshakeTiming,
  HttpRequestHead,
  HttpResponseHead,
  NegotiatedExtension,
  TlsSummary,
} from './handshake.js';
import type { InjectedFault } from './fault.js';
import type { EpochMs, MonoMs } from './time.js';
import type { Direction, Leg, Side } from './wire.js';

export type ConnectionId = string;
export type ConnectionMode = 'client' | 'proxy';

interface Base {
  conn: ConnectionId;
  t: MonoMs;
}

/** A connection attempt started. Always the first record of a connection. */
export interface ConnectionEvent extends Base {
  type: 'connection';
  mode: ConnectionMode;
  url: string;
  /** Wall clock when the attempt started. */
  at: EpochMs;
  /** For proxied connections: the client's address and the upstream target. */
  peer?: string;
  target?: string;
  /** The options the user asked for (client mode), for the record. Credentials are not repeated here. */
  options?: {
    protocols?: string[];
    insecure?: boolean;
    pingIntervalMs?: number;
    auth?: 'bearer' | 'basic' | 'query';
    heartbeat?: { intervalMs: number; kind: 'ping' | 'message'; message?: string };
    /** A ping of ours unanswered this long ends the connection (or, with action 'report', is only recorded). */
    pongTimeoutMs?: number;
    pongTimeoutAction?: 'close' | 'report';
    /** false: pings from the server were deliberately left unanswered. */
    autoPong?: boolean;
    reconnect?: {
      initialDelayMs: number;
      maxDelayMs: number;
      factor?: number;
      maxAttempts?: number;
      jitter?: number;
    };
  };
  /** A reconnect: the connection of the same chain whose end caused this attempt. */
  reconnectOf?: ConnectionId;
  /** A reconnect: 1 for the first reconnect of the chain, 2 for the next, ... */
  attempt?: number;
  /** A reconnect: the backoff delay waited after `reconnectOf` ended, ms. */
  reconnectDelayMs?: number;
}

export interface HttpRequestEvent extends Base {
  type: 'http-request';
  leg: Leg;
  head: HttpRequestHead;
}

export interface HttpResponseEvent extends Base {
  type: 'http-response';
  leg: Leg;
  head: HttpResponseHead;
  /** Body of a non-101 response, capped. */
  body?: CappedBytes;
  accept: AcceptCheck;
  timing: HandshakeTiming;
  /** The leg's TLS (wss://), as negotiated: protocol, cipher, the server's certificate and whether it was trusted. */
  tls?: TlsSummary;
}

/** The upgrade completed: frames follow. */
export interface OpenEvent extends Base {
  type: 'open';
  protocol: string;
  extensions: NegotiatedExtension[];
}

export interface FrameEvent extends Base {
  type: 'frame';
  frame: FrameRecord;
}

export interface MessageEvent extends Base {
  type: 'message';
  message: MessageRecord;
}

export interface ViolationEvent extends Base {
  type: 'violation';
  violation: ViolationRecord;
}

/**
 * TCP-level facts. `side` is the end that did it: `fin` = that side sent FIN, `rst` = that side reset the connection,
 * `connect` = TCP established (side 'server' accepted).
 */
export interface TcpEvent extends Base {
  type: 'tcp';
  leg: Leg;
  kind: 'connect' | 'fin' | 'rst';
  side: Side;
}

/** Something failed: DNS, refused, TLS, timeout, the WebSocket library rejecting input, an internal error. */
export interface ErrorEvent extends Base {
  type: 'error';
  leg?: Leg;
  /** Stable-ish code: a Node error code (ECONNREFUSED), a ws code (WS_ERR_UNEXPECTED_RSV_1), or our own. */
  code: string;
  message: string;
  /** Which side the error is attributed to, when known. */
  side?: Side;
}

/**
 * What the user (or the CLI) asked the inspector to do, recorded for context. Action 'fault': the inspector's proxy
 * injected a fault on purpose (`fault` says which; `detail` words it). Action 'pong-timeout': a client ping went
 * unanswered for the connection's pong timeout (`detail` says how long and whether the connection was dropped).
 */
export interface ActionEvent extends Base {
  type: 'action';
  action: 'send' | 'ping' | 'close' | 'abort' | 'fault' | 'pong-timeout';
  detail?: string;
  fault?: InjectedFault;
}

/** Recording fell behind and dropped this much; never silent. */
export interface DroppedEvent extends Base {
  type: 'dropped';
  dir: Direction;
  frames: number;
  bytes: number;
  /** 'memory': the live session reached its memory budget (absent: the recorder fell behind the relay). */
  reason?: 'memory';
}

/**
 * Recording could not keep up and the ring to the capture worker was full, so the inspector stopped reading this
 * direction's sender for `durationMs` (TCP backpressure slowed the traffic): nothing was lost.
 */
export interface CaptureBackpressureEvent extends Base {
  type: 'capture-backpressure';
  dir: Direction;
  durationMs: number;
}

/**
 * Recording of this connection fell behind the relay: its records were made up to `maxLagMs` after the bytes were
 * relayed (none lost); `spilledBytes` went through the spill file on disk meanwhile. Written before `end` when the
 * lag exceeded 100 ms or anything was spilled.
 */
export interface CaptureLagEvent extends Base {
  type: 'capture-lag';
  maxLagMs: number;
  spilledBytes: number;
}

/** The connection is over: both TCP sides are gone. Always the last record of a connection. */
export interface EndEvent extends Base {
  type: 'end';
}

export type CaptureEvent =
  | ConnectionEvent
  | HttpRequestEvent
  | HttpResponseEvent
  | OpenEvent
  | FrameEvent
  | MessageEvent
  | ViolationEvent
  | TcpEvent
  | ErrorEvent
  | ActionEvent
  | DroppedEvent
  | CaptureBackpressureEvent
  | CaptureLagEvent
  | EndEvent;

export type CaptureEventType = CaptureEvent['type'];
