/**
 * THE contract between the UI and the core. Every invoke method and every pushed event is listed here once; the
 * runtime allow-list and payload validation are derived from these tables. Electron IPC, the browser bridge and any
 * other shell carry exactly this.
 */
import type { CaptureEvent, ConnectionId } from '../model/events.js';
import type { HttpHeader } from '../model/handshake.js';
import type { SessionHeader, SessionReadProblem } from '../model/session.js';
import type { Validated } from './validate.js';
import { arrayOf, bool, int, none, obj, oneOf, optional, str, trusted } from './validate.js';

export interface AppInfo {
  shell: 'electron' | 'browser' | 'cli';
  version: string;
  /** Session header of the live session (wall clock at t = 0). */
  session: SessionHeader;
}

export interface ProxyInfo {
  id: string;
  mode: 'reverse' | 'forward';
  /** host:port it listens on. */
  address: string;
  target?: string;
  active: boolean;
  connections: number;
  error?: string;
}

export interface CaptureBatch {
  events: CaptureEvent[];
}

export interface SessionSnapshot {
  header: SessionHeader;
  events: CaptureEvent[];
  problems: SessionReadProblem[];
}

const header = obj({ name: str({ min: 1, max: 1024 }), value: str({ max: 65_536 }) });
const connId = str({ min: 1, max: 64 });

export const connectRequest = obj({
  url: str({ min: 1, max: 8192 }),
  headers: optional(arrayOf(header, 200)),
  protocols: optional(arrayOf(str({ min: 1, max: 256 }), 50)),
  insecure: optional(bool),
  pingIntervalMs: optional(int({ min: 10, max: 86_400_000 })),
});

export const sendRequest = obj({
  conn: connId,
  kind: oneOf('text', 'binary'),
  /** Text as is, or base64 for binary. */
  data: str({ max: 64 * 1024 * 1024 }),
});

export const pingRequest = obj({ conn: connId, data: optional(str({ max: 125 })) });

export const closeRequest = obj({
  conn: connId,
  code: optional(int({ min: 1000, max: 4999 })),
  reason: optional(str({ max: 123 })),
});

export const openSessionRequest = obj({
  name: str({ max: 1024 }),
  content: str({ max: 1024 * 1024 * 1024 }),
});

export const startProxyRequest = obj({
  mode: oneOf('reverse', 'forward'),
  listenHost: optional(str({ min: 1, max: 255 })),
  listenPort: optional(int({ min: 0, max: 65_535 })),
  target: optional(str({ min: 1, max: 8192 })),
  insecure: optional(bool),
});

export const stopProxyRequest = obj({ id: str({ min: 1, max: 64 }) });

export const methods = {
  getInfo: { request: none, response: trusted<AppInfo>() },
  connect: { request: connectRequest, response: trusted<{ conn: ConnectionId }>() },
  send: { request: sendRequest, response: trusted<void>() },
  ping: { request: pingRequest, response: trusted<void>() },
  close: { request: closeRequest, response: trusted<void>() },
  /** Everything recorded so far in the live session (for a window that opens or reconnects). */
  snapshot: { request: none, response: trusted<SessionSnapshot>() },
  /** Parse a session file's content; the result is shown read-only beside the live session. */
  openSession: { request: openSessionRequest, response: trusted<SessionSnapshot>() },
  startProxy: { request: startProxyRequest, response: trusted<ProxyInfo>() },
  stopProxy: { request: stopProxyRequest, response: trusted<void>() },
  listProxies: { request: none, response: trusted<ProxyInfo[]>() },
} as const;

export const events = {
  /** New capture records, in order, batched (never one message per frame). */
  capture: trusted<CaptureBatch>(),
  proxies: trusted<ProxyInfo[]>(),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type RequestOf<M extends MethodName> = Validated<Methods[M]['request']>;
export type ResponseOf<M extends MethodName> = Validated<Methods[M]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = Validated<(typeof events)[E]>;
export type Unsubscribe = () => void;

export type ConnectRequest = RequestOf<'connect'>;
export type SendRequest = RequestOf<'send'>;
export type CloseRequest = RequestOf<'close'>;
export type StartProxyRequest = RequestOf<'startProxy'>;
export type { HttpHeader };

type MethodFn<M extends MethodName> =
  RequestOf<M> extends undefined
    ? () => Promise<ResponseOf<M>>
    : (request: RequestOf<M>) => Promise<ResponseOf<M>>;

/** What the renderer sees: one async function per method, and event subscription returning an unsubscribe. */
export type InspectorApi = { [M in MethodName]: MethodFn<M> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

/** What the core implements; shells dispatch validated requests to it. */
export type InspectorService = { [M in MethodName]: (request: RequestOf<M>) => Promise<ResponseOf<M>> } & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
};

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];

export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
