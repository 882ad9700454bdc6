import type net from 'node:net';
import type { HandshakeTiming, HttpRequestHead } from '../../shared/model/handshake.js';
import type { ProxyFaults } from '../../shared/api/contract.js';
import type { Direction } from '../../shared/model/wire.js';
import type { CaptureFactory, ProxyCapture } from './capture.js';
import { errorResponse } from './error-response.js';
import { readHead } from './head-reader.js';
import { classifyRequest, parseRequestHead, parseResponseHead } from './http-head.js';
import type { RequestKind } from './http-head.js';
import { relay } from './relay.js';
import type { TapDrainer } from './tap-drainer.js';
import { ConnectionTaps } from './connection-taps.js';
import type { DialResult, UpstreamEndpoint } from './upstream-dialer.js';
import { dialUpstream } from './upstream-dialer.js';
import { ConnectionFaults } from './faults/connection-faults.js';
import type { FaultRegistry } from './faults/fault-registry.js';
import type { UpgradeFate, UpgradeGate } from './faults/upgrade-gate.js';
import { applyHeadFaults } from './faults/head-faults.js';
import { applyRelayFaults } from './faults/relay-faults.js';
import type { ScenarioSchedule } from './faults/scenario-schedule.js';
import { extensionNames, headerValues } from '../../shared/analysis/headers.js';
import { parseExtensions } from '../../shared/protocol/header-values.js';
import type { Breakpoints } from './breakpoints/breakpoints.js';
import { PERMESSAGE_DEFLATE } from '../../shared/protocol/deflate-params.js';

/** Where and how one request goes upstream, decided by the proxy mode from the client's request head. */
export interface UpstreamPlan {
  endpoint: UpstreamEndpoint;
  /** The request head to send upstream, as a latin1 string (the client's head with the mode's minimal edits). */
  head: string;
  /** ws:// or wss:// URL for the record. */
  url: string;
  /** Human-readable upstream, for the record. */
  target: string;
}

export type PlanResult = { ok: true; plan: UpstreamPlan } | { ok: false; message: string };
export type Planner = (head: HttpRequestHead, kind: RequestKind) => PlanResult;

export interface ProxyConnectionOptions {
  capture: CaptureFactory;
  drainer: TapDrainer;
  connectTimeoutMs: number;
  /** Time allowed for the upstream's response head after the request was sent (then 504). */
  responseTimeoutMs: number;
  /** Bytes per direction that may wait for the recorder before capture drops whole frames. */
  tapBudgetBytes: number;
  /** Largest response body prefix kept with a non-101 response. */
  maxBodyBytes?: number;
  /** Called when a dialled connection is known to carry a WebSocket (or a broken attempt). */
  onCaptured?: () => void;
  /** Whole-proxy faults (idle timeout, lifetime; the upgrade rates are applied through `upgradeGate`). */
  faults?: ProxyFaults;
  upgradeGate?: UpgradeGate;
  faultRegistry?: FaultRegistry;
  scenario?: ScenarioSchedule;
  /** Message breakpoints (held messages); every upgraded connection gets them. */
  breakpoints?: Breakpoints;
}

const noop = (): void => undefined;

/**
 * Handles one client request whose head has been read: dials upstream, forwards the head and everything after it,
 * relays the response, then pipes raw bytes both ways, recording all four heads and tapping the frames.
 */
export async function proxyConnection(
  client: net.Socket,
  request: { head: Buffer; rest: Buffer },
  peer: string,
  planner: Planner,
  options: ProxyConnectionOptions,
): Promise<void> {
  const parsed = parseRequestHead(request.head);
  if (!parsed.ok) return void client.end(errorResponse(400, parsed.message).bytes);
  const kind = classifyRequest(parsed.head);
  const planned = planner(parsed.head, kind);
  if (!planned.ok) return void client.end(errorResponse(400, planned.message).bytes);
  const { plan } = planned;

  if (kind === 'http') return passThroughHttp(client, request.rest, plan, options);

  const started = performance.now();
  const capture = options.capture({ url: plan.url, peer, target: plan.target });
  options.onCaptured?.();
  capture.tcp('downstream', 'connect', 'server');
  capture.requestHead('downstream', parsed.head);
  const fate: UpgradeFate =
    kind === 'websocket' && options.upgradeGate ? options.upgradeGate.next() : 'relay';
  if (fate === 'reject') return rejectUpgrade(client, capture, options.faults);
  let clientGone = false;
  client.once('close', () => (clientGone = true));

  const dialStartMs = performance.now() - started;
  const dialed = await dialUpstream(plan.endpoint, options.connectTimeoutMs);
  const timing = dialTiming(dialed, dialStartMs);
  if (!dialed.ok) {
    capture.error('upstream', dialed.code, dialed.message, 'server');
    const status = dialed.kind === 'timeout' ? 504 : 502;
    return failClient(client, capture, status, `${plan.target}: ${describeDialFailure(dialed)}`, timing);
  }
  const upstream = dialed.socket;
  upstream.on('error', noop);
  capture.tcp('upstream', 'connect', 'server');
  if (clientGone) {
    upstream.destroy();
    capture.tcp('downstream', 'rst', 'client');
    return capture.end();
  }

  const headFaults = applyHeadFaults(plan.head, options.faults);
  for (const fault of headFaults.applied) capture.fault(fault);
  const upstreamHead = Buffer.from(headFaults.head, 'latin1');
  upstream.write(request.rest.length > 0 ? Buffer.concat([upstreamHead, request.rest]) : upstreamHead);
  timing.requestSentMs = performance.now() - started;
  const sentHead = parseRequestHead(upstreamHead);
  if (sentHead.ok) capture.requestHead('upstream', sentHead.head);

  const taps = new ConnectionTaps(
    { c2s: capture.stream('c2s'), s2c: capture.stream('s2c') },
    options.tapBudgetBytes,
  );
  const direct = capture.stream('c2s').direct === true;
  const streams = { c2s: capture.stream('c2s'), s2c: capture.stream('s2c') };
  const tap = (dir: Direction, chunk: Buffer): void => {
    if (direct) return streams[dir].bytes(chunk, performance.now());
    taps.push(dir, chunk);
    if (taps.cheap && taps.ready() && !taps.drain()) return;
    options.drainer.wake(taps);
  };
  // Bytes the client sent right behind its head are part of the c2s stream.
  if (request.rest.length > 0) tap('c2s', request.rest);

  const response = await readHead(upstream, { timeoutMs: options.responseTimeoutMs });
  if (!response.ok) {
    if (response.reason === 'timeout') {
      capture.error('upstream', 'ETIMEDOUT', response.message, 'server');
      upstream.destroy();
      return failClient(client, capture, 504, `${plan.target}: ${response.message}`, timing);
    }
    if (response.received.length === 0) {
      capture.error(
        'upstream',
        'EEMPTYRESPONSE',
        'upstream closed the connection without responding',
        'server',
      );
      upstream.destroy();
      return failClient(
        client,
        capture,
        502,
        `${plan.target}: closed the connection without responding`,
        timing,
      );
    }
    // Something arrived but it is not a complete head: the client gets exactly those bytes.
    capture.error('upstream', 'EBADRESPONSE', response.message, 'server');
    client.write(response.received);
    return relayRaw(client, upstream, capture, taps);
  }
  timing.headersCompleteMs = response.at - started;
  timing.firstByteMs = timing.headersCompleteMs;
  const responseHead = parseResponseHead(response.head);
  client.write(response.head);
  if (!responseHead.ok) {
    capture.error('upstream', 'EBADRESPONSE', responseHead.message, 'server');
    if (response.rest.length > 0) client.write(response.rest);
    return relayRaw(client, upstream, capture, taps);
  }
  const upgraded = responseHead.head.status === 101;
  const body = upgraded ? undefined : response.rest.subarray(0, options.maxBodyBytes ?? 64 * 1024);
  capture.responseHead('upstream', responseHead.head, timing, body, dialed.tls);
  capture.responseHead('downstream', responseHead.head, timing, body);
  // Frames that came with the 101 go through the relay (and its faults) once it runs.
  if (response.rest.length > 0 && !upgraded) client.write(response.rest);
  // Faults exist only once the relay does, but the relay's end must reach them.
  const live: { faults?: ConnectionFaults } = {};
  const events = relayEvents(capture, taps, () => live.faults?.dispose());
  const relayed = relay(
    client,
    upstream,
    upgraded ? { c2s: (chunk) => tap('c2s', chunk), s2c: (chunk) => tap('s2c', chunk) } : {},
    events,
  );
  capture.attachFlow?.({
    pause: (dir) => relayed.pipes[dir].holdForCapture(true),
    resume: (dir) => relayed.pipes[dir].holdForCapture(false),
  });
  if (!upgraded) return;
  const steps = options.scenario?.join(plan.url);
  const faults = (live.faults = new ConnectionFaults(relayed, (fault) => {
    taps.drain(Infinity, true);
    capture.fault(fault);
  }));
  if (capture.conn !== undefined && options.faultRegistry) {
    const unregister = options.faultRegistry.add(capture.conn, faults);
    const dispose = faults.dispose.bind(faults);
    faults.dispose = () => {
      unregister();
      dispose();
    };
  }
  const framesWith101 = (): void => {
    if (response.rest.length > 0) relayed.pipes.s2c.accept(response.rest);
  };
  if (fate === 'drop-after-upgrade') {
    framesWith101();
    const percent = options.faults?.dropAfterUpgradePercent ?? 0;
    return faults.inject({ kind: 'drop-after-upgrade', percent });
  }
  faults.watch({
    ...(options.faults?.idleTimeoutMs !== undefined ? { idleTimeoutMs: options.faults.idleTimeoutMs } : {}),
    ...(options.faults?.idleDrop !== undefined ? { idleDrop: options.faults.idleDrop } : {}),
    ...(options.faults?.maxLifetimeMs !== undefined ? { maxLifetimeMs: options.faults.maxLifetimeMs } : {}),
  });
  const deflate = extensionNames(responseHead.head.headers).includes(PERMESSAGE_DEFLATE);
  if (options.breakpoints && capture.conn !== undefined) {
    const extensions = parseExtensions(
      headerValues(responseHead.head.headers, 'sec-websocket-extensions').join(', '),
    );
    const detach = options.breakpoints.attach(capture.conn, plan.url, relayed, extensions, (fault) =>
      faults.note(fault),
    );
    const dispose = faults.dispose.bind(faults);
    faults.dispose = () => {
      detach();
      dispose();
    };
  }
  applyRelayFaults(relayed, options.faults, deflate, faults, steps);
  framesWith101();
}

/** The upgrade fault: the proxy answers the client itself, as a failing gateway would; the server never hears of it. */
function rejectUpgrade(client: net.Socket, capture: ProxyCapture, faults: ProxyFaults | undefined): void {
  const status = faults?.rejectStatus ?? 503;
  capture.fault({ kind: 'reject-upgrade', status, percent: faults?.rejectUpgradePercent ?? 0 });
  const response = errorResponse(status, 'fault injection: upgrade rejected by the inspector');
  const head = parseResponseHead(response.bytes.subarray(0, response.bytes.indexOf('\r\n\r\n') + 4));
  if (head.ok) {
    capture.responseHead('downstream', head.head, {}, response.bytes.subarray(head.head.raw.length));
  }
  if (client.destroyed) return capture.end();
  client.once('close', () => capture.end());
  client.end(response.bytes);
  client.resume();
}

function relayRaw(
  client: net.Socket,
  upstream: net.Socket,
  capture: ProxyCapture,
  taps: ConnectionTaps,
): void {
  relay(client, upstream, {}, relayEvents(capture, taps, noop));
}

/** TCP facts are recorded after the frames that preceded them, so the queues are flushed first. */
function relayEvents(
  capture: ProxyCapture,
  taps: ConnectionTaps,
  onClosed: () => void,
): Parameters<typeof relay>[3] {
  return {
    tcp: (leg, kind, side) => {
      taps.drain(Infinity, true);
      capture.tcp(leg, kind, side);
    },
    error: (leg, code, message, side) => {
      taps.drain(Infinity, true);
      capture.error(leg, code, message, side);
    },
    closed: () => {
      onClosed();
      taps.finish();
      capture.end();
    },
  };
}

function failClient(
  client: net.Socket,
  capture: ProxyCapture,
  status: 502 | 504,
  message: string,
  timing: HandshakeTiming,
): void {
  const response = errorResponse(status, message);
  const head = parseResponseHead(response.bytes.subarray(0, response.bytes.indexOf('\r\n\r\n') + 4));
  if (head.ok)
    capture.responseHead('downstream', head.head, timing, response.bytes.subarray(head.head.raw.length));
  if (client.destroyed) return capture.end();
  client.once('close', () => capture.end());
  client.end(response.bytes);
  client.resume();
}

/** Handshake timing is measured from the start of the attempt; the dialer reports phase durations. */
function dialTiming(dialed: DialResult, dialStartMs: number): HandshakeTiming {
  const t: HandshakeTiming = {};
  let at = dialStartMs;
  const { dnsMs, tcpConnectMs, tlsMs } = dialed.timing;
  if (dnsMs !== undefined) t.dnsMs = at += dnsMs;
  if (tcpConnectMs !== undefined) t.tcpConnectMs = at += tcpConnectMs;
  if (tlsMs !== undefined) t.tlsMs = at += tlsMs;
  return t;
}

function describeDialFailure(dialed: Extract<DialResult, { ok: false }>): string {
  switch (dialed.kind) {
    case 'dns':
      return `DNS lookup failed (${dialed.code}): ${dialed.message}`;
    case 'refused':
      return `connection refused (${dialed.code})`;
    case 'tls':
      return `TLS handshake failed (${dialed.code}): ${dialed.message}`;
    case 'timeout':
      return dialed.message;
    default:
      return `could not connect (${dialed.code}): ${dialed.message}`;
  }
}

/** Ordinary HTTP: forwarded and piped raw, not recorded. */
async function passThroughHttp(
  client: net.Socket,
  rest: Buffer,
  plan: UpstreamPlan,
  options: ProxyConnectionOptions,
): Promise<void> {
  const dialed = await dialUpstream(plan.endpoint, options.connectTimeoutMs);
  if (!dialed.ok) {
    const status = dialed.kind === 'timeout' ? 504 : 502;
    client.end(errorResponse(status, `${plan.target}: ${describeDialFailure(dialed)}`).bytes);
    client.resume();
    return;
  }
  dialed.socket.on('error', noop);
  const head = Buffer.from(plan.head, 'latin1');
  dialed.socket.write(rest.length > 0 ? Buffer.concat([head, rest]) : head);
  relay(client, dialed.socket, {}, { tcp: noop, error: noop, closed: noop });
}
