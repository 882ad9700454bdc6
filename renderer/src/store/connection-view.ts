import type { CaptureEvent, ConnectionId, ConnectionMode } from '../../../shared/model/events.js';
import type { FaultDirection, InjectedFault } from '../../../shared/model/fault.js';
import type { NegotiatedExtension } from '../../../shared/model/handshake.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { CloseEvidence, CloseVerdict } from '../../../shared/analysis/close-attribution.js';
import { closeVerdict, NO_CLOSE_EVIDENCE, observeClose } from '../../../shared/analysis/close-attribution.js';
import type { ColumnarLog, RangeTally } from './columnar-log.js';
import type { ConnKey, SourceId } from './keys.js';

export type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed' | 'failed';

/** Small, derived-at-ingest facts about one connection; what the list and headers show. */
export interface ConnectionView {
  key: ConnKey;
  source: SourceId;
  conn: ConnectionId;
  readOnly: boolean;
  url: string;
  mode: ConnectionMode;
  /** A reconnect: the connection whose end caused it, and its attempt number in the chain. */
  reconnectOf?: ConnectionId;
  attempt?: number;
  /** Proxied connections: the client's address as the proxy saw it. */
  peer?: string;
  /** `t` of the connection record: the origin of relative times. */
  startT: number;
  endT?: number;
  lastT: number;
  state: ConnectionState;
  status?: number;
  statusText?: string;
  httpVersion?: string;
  protocol?: string;
  extensions: NegotiatedExtension[];
  frames: Record<Direction, number>;
  bytes: Record<Direction, number>;
  messages: Record<Direction, number>;
  violations: number;
  /** What the recorder had to drop (never silent). */
  /** `memory`: some were not kept because the live session reached its memory budget. */
  dropped: { frames: number; bytes: number; memory?: boolean };
  /** Close attribution from shared/analysis, folded as records arrive; `close` is its verdict once there is any. */
  closeEvidence: CloseEvidence;
  close?: CloseVerdict;
  /** Per direction: held by an injected stall until resumed, and injected latency (ms), from the fault records. */
  relay: Record<Direction, { stalled: boolean; latencyMs: number }>;
  error?: string;
  /** Index (into the connection's event log) of the last http-request / http-response. */
  requestIndex?: number;
  responseIndex?: number;
}

export function emptyConnectionView(
  source: SourceId,
  conn: ConnectionId,
  key: ConnKey,
  readOnly: boolean,
): ConnectionView {
  return {
    key,
    source,
    conn,
    readOnly,
    url: '',
    mode: 'client',
    startT: 0,
    lastT: 0,
    state: 'connecting',
    extensions: [],
    frames: { c2s: 0, s2c: 0 },
    bytes: { c2s: 0, s2c: 0 },
    messages: { c2s: 0, s2c: 0 },
    violations: 0,
    dropped: { frames: 0, bytes: 0 },
    closeEvidence: NO_CLOSE_EVIDENCE,
    relay: { c2s: { stalled: false, latencyMs: 0 }, s2c: { stalled: false, latencyMs: 0 } },
  };
}

/** A copy that `applyEvent` may mutate without touching the published view. */
export function cloneView(view: ConnectionView): ConnectionView {
  return {
    ...view,
    frames: { ...view.frames },
    bytes: { ...view.bytes },
    messages: { ...view.messages },
    dropped: { ...view.dropped },
    relay: { c2s: { ...view.relay.c2s }, s2c: { ...view.relay.s2c } },
  };
}

/**
 * Fold one event into a view obtained from `cloneView` (mutated in place). `index` is the event's index in the connection's log.
 * Who closed it is shared/analysis's close attribution, the same the analyzer and the CLI use.
 */
export function applyEvent(view: ConnectionView, event: CaptureEvent, index: number): void {
  view.lastT = Math.max(view.lastT, event.t);
  const evidence = observeClose(view.closeEvidence, event, index);
  if (evidence !== view.closeEvidence) {
    view.closeEvidence = evidence;
    view.close = closeVerdict(evidence);
  }
  switch (event.type) {
    case 'connection':
      view.url = event.url;
      view.mode = event.mode;
      if (event.peer) view.peer = event.peer;
      if (event.reconnectOf) view.reconnectOf = event.reconnectOf;
      if (event.attempt !== undefined) view.attempt = event.attempt;
      view.startT = event.t;
      break;
    case 'http-request':
      if (event.leg !== 'downstream' || view.requestIndex === undefined) view.requestIndex = index;
      break;
    case 'http-response':
      if (event.leg !== 'downstream' || view.responseIndex === undefined) view.responseIndex = index;
      view.status = event.head.status;
      view.statusText = event.head.statusText;
      view.httpVersion = event.head.httpVersion;
      if (event.head.status !== 101) view.state = 'failed';
      break;
    case 'open':
      view.state = 'open';
      view.protocol = event.protocol;
      view.extensions = event.extensions;
      break;
    case 'frame': {
      const { frame } = event;
      view.frames[frame.dir] += 1;
      view.bytes[frame.dir] += frame.headerLength + frame.payloadLength;
      if (frame.opcode === 8 && (view.state === 'open' || view.state === 'connecting'))
        view.state = 'closing';
      break;
    }
    case 'message':
      view.messages[event.message.dir] += 1;
      break;
    case 'violation':
      view.violations += 1;
      break;
    case 'error':
      view.error ??= `${event.code}: ${event.message}`;
      break;
    case 'end':
      view.endT = event.t;
      view.state = view.state === 'connecting' || view.state === 'failed' ? 'failed' : 'closed';
      break;
    case 'dropped':
      view.dropped.frames += event.frames;
      view.dropped.bytes += event.bytes;
      if (event.reason === 'memory') view.dropped.memory = true;
      break;
    case 'action':
      if (event.action === 'fault' && event.fault) applyRelayFault(view, event.fault);
      break;
  }
}

/**
 * `applyEvent` for entries [start, end) of a log, reading column-held frames and messages from their columns (no
 * record built); objects and close frames (close attribution reads them) go through `applyEvent`.
 */
export function applyRange(view: ConnectionView, log: ColumnarLog, start: number, end: number): void {
  const tally = newTally(view.lastT);
  for (let index = start; index < end; index++) {
    index = log.tally(index, end, tally);
    addTally(view, tally);
    if (index < end) applyEvent(view, log.get(index)!, index);
    tally.lastT = view.lastT;
  }
}

const newTally = (lastT: number): RangeTally => ({
  framesC2s: 0,
  framesS2c: 0,
  bytesC2s: 0,
  bytesS2c: 0,
  messagesC2s: 0,
  messagesS2c: 0,
  lastT,
});

/** Moves a tally's sums into the view's counters (the tally starts again from zero). */
function addTally(view: ConnectionView, tally: RangeTally): void {
  view.frames.c2s += tally.framesC2s;
  view.frames.s2c += tally.framesS2c;
  view.bytes.c2s += tally.bytesC2s;
  view.bytes.s2c += tally.bytesS2c;
  view.messages.c2s += tally.messagesC2s;
  view.messages.s2c += tally.messagesS2c;
  view.lastT = tally.lastT;
  Object.assign(tally, newTally(tally.lastT));
}

const directionsOf = (direction: FaultDirection): Direction[] =>
  direction === 'both' ? ['c2s', 's2c'] : [direction];

/** Stall, resume and latency change how the relay treats later bytes; a timed stall ends by itself. */
function applyRelayFault(view: ConnectionView, fault: InjectedFault): void {
  if (fault.kind === 'stall' && fault.ms === undefined)
    for (const dir of directionsOf(fault.direction)) view.relay[dir].stalled = true;
  else if (fault.kind === 'resume')
    for (const dir of directionsOf(fault.direction)) view.relay[dir].stalled = false;
  else if (fault.kind === 'latency')
    for (const dir of directionsOf(fault.direction)) view.relay[dir].latencyMs = fault.ms;
}

/** Close code a browser's CloseEvent would report for this connection. */
export function browserCloseCode(view: ConnectionView): number | undefined {
  const code = view.close?.browserCloseCode ?? null;
  if (code !== null) return code;
  return view.state === 'closed' || view.state === 'failed' ? 1006 : undefined;
}
