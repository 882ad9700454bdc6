/**
 * THE contract between the UI and the core. Every invoke method and every pushed event is listed here once; the
 * runtime allow-list and payload validation are derived from these tables. Electron IPC, the browser bridge and any
 * other shell carry exactly this.
 */
import type { CaptureEvent, ConnectionId } from '../model/events.js';
import type { HttpHeader } from '../model/handshake.js';
import type { SessionHeader, SessionReadProblem } from '../model/session.js';
import { encodeUtf8 } from '../protocol/utf8.js';
import { RULE_OPCODES, ruleProblem, type JsonScalar } from '../protocol/message-rule.js';
import type { Validated, Validator } from './validate.js';
import {
  PayloadError,
  arrayOf,
  bool,
  byKind,
  int,
  none,
  numIn,
  obj,
  oneOf,
  optional,
  refine,
  str,
  trusted,
} from './validate.js';

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
  /** Forward mode: the certificate of the CA that signs intercepted hosts, for clients to trust. */
  caCertPath?: string;
  /**
   * Clients turned away since start: `full` at the connection limit, `stalled` for not sending a request head in
   * time (or being the oldest such when room was needed), `remote` for an address outside loopback (forward mode).
   */
  refused?: { full: number; stalled: number; remote: number };
  /** Forward mode: clients outside loopback are accepted (only when asked: it relays to any host and port). */
  allowRemote?: boolean;
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

const DAY_MS = 86_400_000;

/** Credentials applied to the upgrade request (see shared/connect/auth.ts); they show in the recorded request head. */
export const connectAuth = byKind({
  /** `Authorization: Bearer <token>` */
  bearer: obj({ kind: oneOf('bearer'), token: str({ min: 1, max: 8192 }) }),
  /** `Authorization: Basic base64(user:password)` (RFC 7617: the user may not contain ':') */
  basic: obj({
    kind: oneOf('basic'),
    user: refine(str({ max: 1024 }), (user) => (user.includes(':') ? 'a user name without ":"' : undefined)),
    password: str({ max: 1024 }),
  }),
  /** `?name=value` appended to the URL (browsers cannot set headers on a WebSocket, so many APIs do this). */
  query: obj({ kind: oneOf('query'), name: str({ min: 1, max: 256 }), value: str({ max: 8192 }) }),
});

/** Something sent at an interval while open: a protocol ping (payload = message) or a text message. */
export const connectHeartbeat = refine(
  obj({
    intervalMs: int({ min: 10, max: DAY_MS }),
    kind: oneOf('ping', 'message'),
    message: optional(str({ max: 1024 * 1024 })),
  }),
  (h) => {
    if (h.kind === 'message' && !h.message) return 'a non-empty message for kind "message"';
    if (h.kind === 'ping' && h.message !== undefined && encodeUtf8(h.message).length > 125)
      return 'a ping payload of at most 125 bytes (RFC 6455 §5.5)';
    return undefined;
  },
);

/**
 * Open a new connection (new id, same options) after an abnormal end, i.e. any end the user did not ask for.
 * Delay of attempt n (1, 2, ...): min(maxDelayMs, initialDelayMs × factor^(n-1)), then reduced by up to
 * `jitter` × itself at random. `factor` defaults to 2, `jitter` to 0, `maxAttempts` to unlimited.
 */
export const connectReconnect = refine(
  obj({
    initialDelayMs: int({ min: 10, max: DAY_MS }),
    maxDelayMs: int({ min: 10, max: DAY_MS }),
    factor: optional(numIn({ min: 1, max: 10 })),
    maxAttempts: optional(int({ min: 1, max: 1_000_000 })),
    jitter: optional(numIn({ min: 0, max: 1 })),
  }),
  (r) =>
    r.maxDelayMs < r.initialDelayMs
      ? `maxDelayMs (${r.maxDelayMs}) >= initialDelayMs (${r.initialDelayMs})`
      : undefined,
);

export const connectRequest = refine(
  obj({
    url: str({ min: 1, max: 8192 }),
    headers: optional(arrayOf(header, 200)),
    protocols: optional(arrayOf(str({ min: 1, max: 256 }), 50)),
    insecure: optional(bool),
    /** Protocol ping at this interval; same as `heartbeat: { kind: 'ping', intervalMs }`. */
    pingIntervalMs: optional(int({ min: 10, max: DAY_MS })),
    auth: optional(connectAuth),
    heartbeat: optional(connectHeartbeat),
    /** A ping of ours unanswered this long: drop the connection (no close frame), or only record it ('report'). */
    pongTimeoutMs: optional(int({ min: 10, max: DAY_MS })),
    pongTimeoutAction: optional(oneOf('close', 'report')),
    /** false: never answer the server's pings (to reproduce a client that does not). Default true. */
    autoPong: optional(bool),
    reconnect: optional(connectReconnect),
  }),
  (r) => {
    if (r.pingIntervalMs !== undefined && r.heartbeat?.kind === 'ping')
      return 'either pingIntervalMs or a ping heartbeat, not both';
    if (r.pongTimeoutAction !== undefined && r.pongTimeoutMs === undefined)
      return 'pongTimeoutMs with pongTimeoutAction';
    return undefined;
  },
);

export const MAX_STORM_CONNECTIONS = 10_000;

/** Open `count` connections to one URL, `concurrency` at a time, starting one every `intervalMs`; hold each open. */
export const stormRequest = obj({
  url: str({ min: 1, max: 8192 }),
  count: int({ min: 1, max: MAX_STORM_CONNECTIONS }),
  /** Connections in progress at once. Default min(count, 50). */
  concurrency: optional(int({ min: 1, max: 1000 })),
  /** Pause between starting two connections. Default 0. */
  intervalMs: optional(int({ min: 0, max: 60_000 })),
  /** How long each connection stays open before the client closes it with 1000. Default 0 (close at once). */
  holdMs: optional(int({ min: 0, max: 3_600_000 })),
  headers: optional(arrayOf(header, 200)),
  protocols: optional(arrayOf(str({ min: 1, max: 256 }), 50)),
  insecure: optional(bool),
  auth: optional(connectAuth),
});

/** `speed` of a replay: a factor on the original spacing, or 'max' (each message as soon as the last was written). */
const replaySpeed: Validator<number | 'max'> = (v, path = '') => {
  if (v === 'max') return v;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0.01 && v <= 1000) return v;
  throw new PayloadError(path, "a speed from 0.01 to 1000, or 'max'");
};

/**
 * Replay client messages on a new connection (see shared/analysis/replay.ts `planReplay`): open `url` with these
 * headers and protocols, send each message `offsetMs / speed` after the open, wait `settleMs` (default 1000) for the
 * server's answers, then close with 1000.
 */
export const replayRequest = obj({
  url: str({ min: 1, max: 8192 }),
  headers: optional(arrayOf(header, 200)),
  protocols: optional(arrayOf(str({ min: 1, max: 256 }), 50)),
  insecure: optional(bool),
  messages: arrayOf(
    obj({
      id: int({ min: 0 }),
      offsetMs: numIn({ min: 0, max: DAY_MS }),
      kind: oneOf('text', 'binary'),
      data: str({ max: 64 * 1024 * 1024 }),
    }),
    100_000,
  ),
  speed: optional(replaySpeed),
  settleMs: optional(int({ min: 0, max: 600_000 })),
});

export interface ReplayResult {
  /** The replay's connection in the live session. */
  conn: ConnectionId;
  /** Per message, ms after the replay's open: when it was due and when its record shows it sent. */
  sends: { id: number; scheduledMs: number; sentMs: number }[];
}

export const stopReconnectRequest = obj({ conn: connId });

/** Pushed when a reconnect chain decides what happens after one of its connections ended. */
export interface ReconnectNotice {
  /** The connection that ended. */
  conn: ConnectionId;
  /** The chain's first connection. */
  chain: ConnectionId;
  /** `scheduled`: attempt `attempt` starts in `delayMs`; `stopped`: the user stopped it; `exhausted`: maxAttempts reached. */
  state: 'scheduled' | 'stopped' | 'exhausted';
  attempt: number;
  delayMs?: number;
}

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

/** Close codes a peer may send (RFC 6455 §7.4): not 1004–1006 or 1015. */
const sendableCloseCode = refine(int({ min: 1000, max: 4999 }), (code) =>
  (code >= 1004 && code <= 1006) || code === 1015 || (code > 1015 && code < 3000)
    ? 'a close code that may be sent: 1000–1003, 1007–1014 or 3000–4999'
    : undefined,
);
const closeReason = refine(str({ max: 123 }), (r) =>
  encodeUtf8(r).length > 123 ? 'a reason of at most 123 UTF-8 bytes' : undefined,
);

const jsonScalar: Validator<JsonScalar> = (v, path = '') => {
  if (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'boolean' ||
    (typeof v === 'number' && Number.isFinite(v))
  )
    return v;
  throw new PayloadError(path, 'a string, number, boolean or null');
};

/** Which messages a rule matches (see shared/protocol/message-rule.ts): an invalid regex or JSON path is refused. */
export const messageRule = refine(
  obj({
    opcode: optional(oneOf(...RULE_OPCODES)),
    contains: optional(str({ min: 1, max: 4096 })),
    regex: optional(str({ max: 1024 })),
    jsonPath: optional(str({ max: 512 })),
    equals: optional(jsonScalar),
  }),
  ruleProblem,
);

const delaySpec = obj({
  ms: int({ min: 0, max: 600_000 }),
  jitterMs: optional(int({ min: 0, max: 600_000 })),
});
const perDirection = <T>(inner: Validator<T>) => obj({ c2s: optional(inner), s2c: optional(inner) });

/**
 * Faults a proxy applies to every connection from its start (see docs/proxy.md, "Fault injection"). Rates are
 * exact, spread evenly over the attempts (not random), so a run is reproducible.
 */
export const proxyFaults = refine(
  obj({
    /** Drop both sides without a close frame after this long with no bytes in either direction (after the 101). */
    idleTimeoutMs: optional(int({ min: 100, max: DAY_MS })),
    /** How the idle drop ends TCP. Default 'fin'. */
    idleDrop: optional(oneOf('fin', 'rst')),
    /** Drop both sides (FIN, no close frame) this long after the 101, traffic or not. */
    maxLifetimeMs: optional(int({ min: 100, max: DAY_MS })),
    /** Answer this share of upgrade requests itself with `rejectStatus`, without contacting the server. */
    rejectUpgradePercent: optional(numIn({ min: 0, max: 100 })),
    /** Default 503. */
    rejectStatus: optional(int({ min: 400, max: 599 })),
    /** Relay the 101, then drop both sides (FIN, no close frame) for this share of upgrades. */
    dropAfterUpgradePercent: optional(numIn({ min: 0, max: 100 })),
    /** Send the upgrade upstream as HTTP/1.0 without keep-alive (nginx's default proxy_http_version). */
    downgradeHttp10: optional(bool),
    /** Send the upgrade upstream without its Upgrade and Connection headers (a proxy dropping hop-by-hop headers). */
    stripUpgrade: optional(bool),
    /** Swallow pong frames going this way. */
    suppressPongs: optional(oneOf('c2s', 's2c', 'both')),
    /** Drop the messages a rule matches, in its direction. */
    dropMessages: optional(arrayOf(obj({ direction: oneOf('c2s', 's2c', 'both'), rule: messageRule }), 32)),
    /** Deliver every chunk this late (± jitter, order kept), per direction. */
    delay: optional(perDirection(delaySpec)),
    /** Carry at most this many bytes per second, per direction. */
    bandwidth: optional(perDirection(int({ min: 1, max: 10 * 1024 * 1024 * 1024 }))),
    /** After this many data messages (both directions together), a close frame with `code` to both sides. */
    closeAfter: optional(
      obj({
        messages: int({ min: 1, max: 1_000_000_000 }),
        code: sendableCloseCode,
        reason: optional(closeReason),
      }),
    ),
  }),
  (f) => {
    if (f.idleDrop !== undefined && f.idleTimeoutMs === undefined) return 'idleDrop only with idleTimeoutMs';
    if (f.rejectStatus !== undefined && f.rejectUpgradePercent === undefined)
      return 'rejectStatus only with rejectUpgradePercent';
    if ((f.rejectUpgradePercent ?? 0) + (f.dropAfterUpgradePercent ?? 0) > 100)
      return 'rejectUpgradePercent + dropAfterUpgradePercent of at most 100';
    return undefined;
  },
);

const faultSide = optional(oneOf('client', 'server', 'both'));
const faultDirection = optional(oneOf('c2s', 's2c', 'both'));

/**
 * A fault injected into one open proxied connection. `side` (default 'both') is whom a drop or close frame goes
 * to; `direction` (default 'both') is which way a stall or latency applies.
 */
export const connectionFault = byKind({
  /** TCP FIN without a close frame. */
  fin: obj({ kind: oneOf('fin'), side: faultSide }),
  /** TCP reset. */
  rst: obj({ kind: oneOf('rst'), side: faultSide }),
  /** A close frame with this code and reason (at a frame boundary), then the inspector closes TCP. */
  close: obj({
    kind: oneOf('close'),
    side: faultSide,
    code: sendableCloseCode,
    reason: optional(closeReason),
  }),
  /** Stop forwarding for `ms`, or until a 'resume'. */
  stall: obj({ kind: oneOf('stall'), direction: faultDirection, ms: optional(int({ min: 1, max: DAY_MS })) }),
  resume: obj({ kind: oneOf('resume'), direction: faultDirection }),
  /** Delay every chunk by `ms` (0 removes it), keeping order. */
  latency: obj({ kind: oneOf('latency'), direction: faultDirection, ms: int({ min: 0, max: 600_000 }) }),
});

export const injectFaultRequest = obj({ conn: connId, fault: connectionFault });

/**
 * A message the proxy writes into one direction of an open proxied connection, at the next frame boundary (masked
 * toward the server). `data`: the text (text, json), base64 (binary), or the payload text of a ping or pong; a close
 * takes `code` and `reason`.
 */
export const injectMessageRequest = refine(
  obj({
    conn: connId,
    direction: oneOf('c2s', 's2c'),
    kind: oneOf('text', 'json', 'binary', 'ping', 'pong', 'close'),
    data: optional(str({ max: 64 * 1024 * 1024 })),
    code: optional(sendableCloseCode),
    reason: optional(closeReason),
  }),
  (r) => {
    if (r.kind === 'close') return r.code === undefined ? 'a close needs a code' : undefined;
    if (r.code !== undefined || r.reason !== undefined) return 'code and reason only with kind close';
    const problem = messageDataProblem(r.kind, r.data);
    if (problem !== undefined) return problem;
    if ((r.kind === 'ping' || r.kind === 'pong') && encodeUtf8(r.data ?? '').length > 125)
      return 'a ping or pong payload of at most 125 bytes';
    return undefined;
  },
);

/** The payload of a message the user writes (injected or put in place of a held one): text, JSON (checked), base64. */
function messageDataProblem(kind: string, data: string | undefined): string | undefined {
  if (kind === 'json') {
    try {
      JSON.parse(data ?? '');
    } catch (error) {
      return `data that is valid JSON (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  if (kind === 'binary' && !/^[A-Za-z0-9+/]*={0,2}$/.test(data ?? '')) return 'base64 data for binary';
  return undefined;
}

/**
 * A message breakpoint (docs/proxy.md, "Message breakpoints"): messages going `direction` on connections whose URL
 * matches `url` (a substring, `*` matching anything; absent: every connection) that `rule` matches are held.
 */
export const holdRule = obj({
  direction: oneOf('c2s', 's2c', 'both'),
  url: optional(str({ min: 1, max: 8192 })),
  rule: messageRule,
});

/** Replaces the breakpoints of every proxy (open connections included). */
export const setBreakpointsRequest = obj({
  rules: arrayOf(holdRule, 64),
  /** How long a message stays held before `onTimeout` applies. Default 60 000. */
  timeoutMs: optional(int({ min: 100, max: DAY_MS })),
  /** Default 'forward'. */
  onTimeout: optional(oneOf('forward', 'drop')),
});

/**
 * What to do with a held message: forward it as received, put `data` (kind text, JSON or binary as base64) in its
 * place, or drop it.
 */
export const releaseHeldRequest = refine(
  obj({
    id: str({ min: 1, max: 64 }),
    action: oneOf('forward', 'edit', 'drop'),
    kind: optional(oneOf('text', 'json', 'binary')),
    data: optional(str({ max: 64 * 1024 * 1024 })),
  }),
  (r) => {
    if (r.action !== 'edit')
      return r.kind !== undefined || r.data !== undefined ? 'kind and data only with action edit' : undefined;
    if (r.kind === undefined || r.data === undefined) return 'an edit needs kind and data';
    return messageDataProblem(r.kind, r.data);
  },
);

export type BreakpointSettings = Validated<typeof setBreakpointsRequest>;
export type HoldRule = Validated<typeof holdRule>;

/** A message a breakpoint holds, as the UI shows it (pushed as the `held` event, the whole list each time). */
export interface HeldMessage {
  id: string;
  conn: ConnectionId;
  url: string;
  direction: 'c2s' | 's2c';
  opcode: number;
  /** Payload bytes (unmasked, inflated). */
  size: number;
  /** Sent compressed (permessage-deflate). */
  compressed: boolean;
  /** The rule that held it, in words. */
  rule: string;
  /** The payload, base64, up to 1 MiB. */
  base64: string;
  truncated: boolean;
  /** Wall clock (epoch ms) when it was held and when the timeout applies `onTimeout`. */
  heldAt: number;
  timeoutAt: number;
  onTimeout: 'forward' | 'drop';
  /** Messages of the same direction waiting behind it. */
  queued: number;
}

/**
 * One timed step of a scenario (docs/proxy.md, "Scenario files"): on which connections (`connection`: the Nth
 * WebSocket connection through the proxy, 1-based; or `url`: a substring of the URL, `*` matching anything), when
 * (`at` ms after the 101, or `afterMessages` data messages, both directions unless `counting` names one; neither: at
 * the 101), and what: a `fault` as `injectFault` takes, or from then on drop messages by a rule or swallow pongs.
 */
export const scenarioStep = refine(
  obj({
    note: optional(str({ max: 1024 })),
    connection: optional(int({ min: 1, max: 1_000_000_000 })),
    url: optional(str({ min: 1, max: 8192 })),
    at: optional(int({ min: 0, max: DAY_MS })),
    afterMessages: optional(int({ min: 1, max: 1_000_000_000 })),
    counting: optional(oneOf('c2s', 's2c')),
    fault: optional(connectionFault),
    dropMessages: optional(obj({ direction: oneOf('c2s', 's2c', 'both'), rule: messageRule })),
    suppressPongs: optional(oneOf('c2s', 's2c', 'both')),
  }),
  (step) => {
    const actions = [step.fault, step.dropMessages, step.suppressPongs].filter((a) => a !== undefined);
    if (actions.length !== 1) return 'exactly one of fault, dropMessages, suppressPongs';
    if (step.connection !== undefined && step.url !== undefined) return 'connection or url, not both';
    if (step.at !== undefined && step.afterMessages !== undefined) return 'at or afterMessages, not both';
    if (step.counting !== undefined && step.afterMessages === undefined)
      return 'counting only with afterMessages';
    return undefined;
  },
);

/** A scenario file: faults for every connection (as `startProxy`'s) and timed steps. */
export const proxyScenario = obj({
  description: optional(str({ max: 4096 })),
  faults: optional(proxyFaults),
  steps: optional(arrayOf(scenarioStep, 1000)),
});

export const startProxyRequest = obj({
  mode: oneOf('reverse', 'forward'),
  listenHost: optional(str({ min: 1, max: 255 })),
  listenPort: optional(int({ min: 0, max: 65_535 })),
  target: optional(str({ min: 1, max: 8192 })),
  insecure: optional(bool),
  faults: optional(proxyFaults),
  /** Timed steps per connection (the scenario file's `steps`). */
  scenarioSteps: optional(arrayOf(scenarioStep, 1000)),
  /** Forward mode: accept clients outside loopback (default: refused). */
  allowRemote: optional(bool),
});

export const stopProxyRequest = obj({ id: str({ min: 1, max: 64 }) });

/** A full payload by the `ref` of a truncated frame or message record of the live session. */
export const getPayloadRequest = obj({ conn: connId, ref: str({ min: 1, max: 64 }) });

export interface PayloadContent {
  base64: string;
  size: number;
}

export const openInspectedBrowserRequest = obj({ url: str({ min: 1, max: 8192 }) });

export interface InspectedBrowserInfo {
  /** The forward proxy the window's session goes through (started on demand, reused afterwards). */
  proxy: ProxyInfo;
}

export const methods = {
  getInfo: { request: none, response: trusted<AppInfo>() },
  connect: { request: connectRequest, response: trusted<{ conn: ConnectionId }>() },
  send: { request: sendRequest, response: trusted<void>() },
  replay: { request: replayRequest, response: trusted<ReplayResult>() },
  ping: { request: pingRequest, response: trusted<void>() },
  /** Closing any connection of a reconnect chain also stops the chain. */
  close: { request: closeRequest, response: trusted<void>() },
  /** Stop a reconnect chain (any of its connections) without closing its live connection. */
  stopReconnect: { request: stopReconnectRequest, response: trusted<void>() },
  /** Resolves once every connection of the storm has started (records keep arriving as `capture` events). */
  storm: { request: stormRequest, response: trusted<{ conns: ConnectionId[] }>() },
  /** Everything recorded so far in the live session (for a window that opens or reconnects). */
  snapshot: { request: none, response: trusted<SessionSnapshot>() },
  /** Parse a session file's content; the result is shown read-only beside the live session. */
  openSession: { request: openSessionRequest, response: trusted<SessionSnapshot>() },
  startProxy: { request: startProxyRequest, response: trusted<ProxyInfo>() },
  stopProxy: { request: stopProxyRequest, response: trusted<void>() },
  /** Inject a fault into an open proxied connection (client connections: 'rst' only). Recorded as an action. */
  injectFault: { request: injectFaultRequest, response: trusted<void>() },
  injectMessage: { request: injectMessageRequest, response: trusted<void>() },
  listProxies: { request: none, response: trusted<ProxyInfo[]>() },
  /** Message breakpoints for every proxy: replaces the rules and the hold timeout. */
  setBreakpoints: { request: setBreakpointsRequest, response: trusted<void>() },
  /** The breakpoints in force (as last set). */
  getBreakpoints: { request: none, response: trusted<BreakpointSettings>() },
  /** Messages held now. */
  listHeld: { request: none, response: trusted<HeldMessage[]>() },
  /** Forward, edit or drop a held message; rejects when it was released already or its connection is closed. */
  releaseHeld: { request: releaseHeldRequest, response: trusted<void>() },
  /**
   * The full payload behind a record's `ref`. Rejects with "payload no longer in memory: evicted to stay within N MiB"
   * once the session's payload budget pushed it out, or "unknown reference" for a ref this session never made.
   */
  getPayload: { request: getPayloadRequest, response: trusted<PayloadContent>() },
  /**
   * Desktop app only: a browser window whose session goes through the forward proxy and trusts the local CA for that
   * session alone, so a web app's sockets are captured without touching system settings.
   */
  openInspectedBrowser: { request: openInspectedBrowserRequest, response: trusted<InspectedBrowserInfo>() },
} as const;

export const events = {
  /** New capture records, in order, batched (never one message per frame). */
  capture: trusted<CaptureBatch>(),
  proxies: trusted<ProxyInfo[]>(),
  reconnect: trusted<ReconnectNotice>(),
  /** The messages breakpoints hold now, after every change. */
  held: trusted<HeldMessage[]>(),
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
export type ConnectAuth = NonNullable<ConnectRequest['auth']>;
export type ConnectHeartbeat = NonNullable<ConnectRequest['heartbeat']>;
export type ConnectReconnect = NonNullable<ConnectRequest['reconnect']>;
export type StormRequest = RequestOf<'storm'>;
export type StartProxyRequest = RequestOf<'startProxy'>;
export type ProxyFaults = NonNullable<StartProxyRequest['faults']>;
export type InjectFaultRequest = RequestOf<'injectFault'>;
export type ConnectionFault = InjectFaultRequest['fault'];
export type MessageRuleRequest = Validated<typeof messageRule>;
export type ScenarioStep = Validated<typeof scenarioStep>;
export type ReplayRequest = Validated<typeof replayRequest>;
export type InjectMessageRequest = Validated<typeof injectMessageRequest>;
export type ReleaseHeldRequest = Validated<typeof releaseHeldRequest>;
export type ProxyScenario = Validated<typeof proxyScenario>;
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
