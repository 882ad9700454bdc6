import type {
  BreakpointSettings,
  HeldMessage,
  ReleaseHeldRequest,
  InjectMessageRequest,
  ConnectionFault,
  ProxyInfo,
  StartProxyRequest,
  Unsubscribe,
} from '../../shared/api/contract.js';
import type { CaptureEvent, ConnectionId } from '../../shared/model/events.js';
import type { SessionHeader } from '../../shared/model/session.js';
import type { Leg } from '../../shared/model/wire.js';
import type { ConnectionRecorder } from '../capture/connection-recorder.js';
import type { PayloadSink } from '../capture/payload-store.js';
import type { ClientRecorderFactory } from '../client/client-recorder.js';

/** What a proxied connection tells the session about itself when it starts. */
export interface ProxiedConnectionInfo {
  /** The URL the client asked for (as the proxy understood it). */
  url: string;
  /** The client's address, host:port. */
  peer?: string;
  /** The upstream target, host:port or URL. */
  target?: string;
  /** The leg whose bytes the recorder's `onBytes` parses. Default 'downstream' for proxied connections. */
  leg?: Leg;
}

/** Creates a recorder attached to the live session (emits the `connection` record at once, with a fresh id). */
export type RecorderFactory = (info: ProxiedConnectionInfo) => ConnectionRecorder;

/**
 * The session as a capture running in another thread (the proxy's capture worker) sees it: it makes the records,
 * the session hands out connection ids and takes the records for its views.
 */
export interface ProxySession {
  /** Session time now (ms). */
  now(): number;
  startedAt: number;
  producer: string;
  /** A fresh connection id; the capture makes the `connection` record. */
  allocateConnection(): ConnectionId;
  /** The id sequence (an Int32 counter: ids are `c` + the incremented value), for a relay in another thread. */
  connectionIds?: SharedArrayBuffer;
  /** Records made by the capture, in order. */
  ingest(events: CaptureEvent[]): void;
  /** The session's full-payload store. */
  payloads?: PayloadSink;
  maxCapturedPayload?: number;
  previewRateLimit?: number;
}

/** The session file, handed to a capture that writes it itself. */
export interface SessionFileSpec {
  path: string;
  header: SessionHeader;
  /** Records carry full payloads (up to `maxStoredPayload`) instead of previews. */
  fullPayloads: boolean;
  maxStoredPayload: number;
}

/** Implemented by main/proxy; injected into the inspector so the core does not depend on the proxy. */
export interface ProxyController {
  start(
    request: StartProxyRequest,
    recorderFactory: RecorderFactory,
    session?: ProxySession,
  ): Promise<ProxyInfo>;
  /**
   * Optional: the proxy's capture writes the session file itself (records never pass through this thread); true if
   * it took it. Records made elsewhere then go to it through `appendToSessionFile`.
   */
  adoptSessionFile?(file: SessionFileSpec, session: ProxySession, onError: (error: Error) => void): boolean;
  appendToSessionFile?(events: readonly CaptureEvent[]): void;
  /**
   * Optional: recorders for the session's client connections that record through the proxy's capture pipeline (the
   * capture worker parses and writes them as it does proxied connections); undefined where there is no such
   * pipeline (the session then parses client connections on its own thread).
   */
  clientRecorders?(session: ProxySession): ClientRecorderFactory | undefined;
  /**
   * Optional: start the capture pipeline now, so the first connection's records are not held up by its start;
   * resolves once it records.
   */
  prepare?(session: ProxySession): Promise<void> | undefined;
  stop(id: string): Promise<void>;
  list(): ProxyInfo[] | Promise<ProxyInfo[]>;
  /** Optional: notify when a proxy starts, stops, fails or its connection count changes. */
  onChange?(listener: (proxies: ProxyInfo[]) => void): Unsubscribe;
  /** Optional: inject a fault into an open proxied connection; throws when there is no such connection. */
  injectFault?(conn: string, fault: ConnectionFault): void | Promise<void>;
  /** Optional: write a message into one direction of an open proxied connection; throws when it cannot. */
  injectMessage?(request: InjectMessageRequest): void | Promise<void>;
  /** Optional: message breakpoints for every proxy (replacing the rules). */
  setBreakpoints?(settings: BreakpointSettings): void | Promise<void>;
  getBreakpoints?(): BreakpointSettings | Promise<BreakpointSettings>;
  listHeld?(): HeldMessage[] | Promise<HeldMessage[]>;
  /** Optional: forward, edit or drop a held message; throws when it is no longer held. */
  releaseHeld?(request: ReleaseHeldRequest): void | Promise<void>;
  /** Optional: notify when the held messages change. */
  onHeld?(listener: (held: HeldMessage[]) => void): Unsubscribe;
  /** Optional: stop everything (called by inspector.dispose()). */
  dispose?(): Promise<void>;
}

export class ProxyUnavailableError extends Error {
  override name = 'ProxyUnavailableError';
  constructor() {
    super('proxy not available: this inspector was started without a proxy controller');
  }
}
