import type { ConnectRequest, HttpHeader, StormRequest } from '../../../shared/api/contract.js';
import { MAX_STORM_CONNECTIONS } from '../../../shared/api/contract.js';

/** What the connect form holds, as typed (strings from inputs). */
export interface ConnectFields {
  url: string;
  headers: string;
  protocols: string;
  insecure: boolean;
  authKind: 'none' | 'bearer' | 'basic' | 'query';
  token: string;
  user: string;
  password: string;
  queryName: string;
  queryValue: string;
  heartbeatKind: 'none' | 'ping' | 'message';
  heartbeatSeconds: string;
  heartbeatMessage: string;
  /** Ping heartbeat only; empty = no pong timeout. */
  pongTimeoutSeconds: string;
  pongTimeoutAction: 'close' | 'report';
  autoPong: boolean;
  reconnect: boolean;
  reconnectInitialSeconds: string;
  reconnectMaxSeconds: string;
  reconnectMaxAttempts: string;
  stormCount: string;
  stormConcurrency: string;
  stormIntervalMs: string;
  stormHoldSeconds: string;
}

export const emptyConnectFields = (): ConnectFields => ({
  url: '',
  headers: '',
  protocols: '',
  insecure: false,
  authKind: 'none',
  token: '',
  user: '',
  password: '',
  queryName: 'token',
  queryValue: '',
  heartbeatKind: 'none',
  heartbeatSeconds: '30',
  heartbeatMessage: '',
  pongTimeoutSeconds: '',
  pongTimeoutAction: 'close',
  autoPong: true,
  reconnect: false,
  reconnectInitialSeconds: '1',
  reconnectMaxSeconds: '30',
  reconnectMaxAttempts: '',
  stormCount: '100',
  stormConcurrency: '',
  stormIntervalMs: '0',
  stormHoldSeconds: '0',
});

/** "Name: value" lines to headers; returns the first bad line instead when one has no colon or no name. */
export function parseHeaderLines(text: string): { headers: HttpHeader[] } | { error: string } {
  const headers: HttpHeader[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name) return { error: `Header line needs "Name: value": ${line}` };
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return { headers };
}

function secondsToMs(text: string, what: string): number | string {
  const ms = Math.round(Number(text) * 1000);
  if (text.trim() === '' || !Number.isFinite(ms) || ms < 10)
    return `${what} must be a number of seconds (≥ 0.01)`;
  return ms;
}

/** The form's fields as a connect request, or the first thing the user has to fix. */
export function buildConnectRequest(f: ConnectFields): { request: ConnectRequest } | { error: string } {
  const url = f.url.trim();
  if (!/^wss?:\/\//i.test(url)) return { error: 'The URL must start with ws:// or wss://' };
  const parsed = parseHeaderLines(f.headers);
  if ('error' in parsed) return parsed;
  const request: ConnectRequest = { url };
  if (parsed.headers.length) request.headers = parsed.headers;
  const protocols = f.protocols
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (protocols.length) request.protocols = protocols;
  if (f.insecure) request.insecure = true;

  if (f.authKind === 'bearer') {
    if (!f.token) return { error: 'Enter the bearer token' };
    request.auth = { kind: 'bearer', token: f.token };
  } else if (f.authKind === 'basic') {
    if (f.user.includes(':')) return { error: 'A Basic user name cannot contain ":"' };
    request.auth = { kind: 'basic', user: f.user, password: f.password };
  } else if (f.authKind === 'query') {
    if (!f.queryName.trim()) return { error: 'Enter the query parameter name' };
    request.auth = { kind: 'query', name: f.queryName.trim(), value: f.queryValue };
  }

  if (f.heartbeatKind !== 'none') {
    const intervalMs = secondsToMs(f.heartbeatSeconds, 'The heartbeat interval');
    if (typeof intervalMs === 'string') return { error: intervalMs };
    if (f.heartbeatKind === 'message' && !f.heartbeatMessage) return { error: 'Enter the heartbeat message' };
    if (f.heartbeatKind === 'ping' && new TextEncoder().encode(f.heartbeatMessage).length > 125) {
      return { error: 'A ping payload is limited to 125 bytes' };
    }
    request.heartbeat = { kind: f.heartbeatKind, intervalMs };
    if (f.heartbeatMessage) request.heartbeat.message = f.heartbeatMessage;
    if (f.heartbeatKind === 'ping' && f.pongTimeoutSeconds.trim()) {
      const pongTimeoutMs = secondsToMs(f.pongTimeoutSeconds, 'The pong timeout');
      if (typeof pongTimeoutMs === 'string') return { error: pongTimeoutMs };
      request.pongTimeoutMs = pongTimeoutMs;
      request.pongTimeoutAction = f.pongTimeoutAction;
    }
  }
  if (!f.autoPong) request.autoPong = false;

  if (f.reconnect) {
    const initialDelayMs = secondsToMs(f.reconnectInitialSeconds, 'The first reconnect delay');
    if (typeof initialDelayMs === 'string') return { error: initialDelayMs };
    const maxDelayMs = secondsToMs(f.reconnectMaxSeconds, 'The longest reconnect delay');
    if (typeof maxDelayMs === 'string') return { error: maxDelayMs };
    if (maxDelayMs < initialDelayMs) return { error: 'The longest reconnect delay must be ≥ the first one' };
    request.reconnect = { initialDelayMs, maxDelayMs };
    if (f.reconnectMaxAttempts.trim()) {
      const attempts = Number(f.reconnectMaxAttempts);
      if (!Number.isInteger(attempts) || attempts < 1)
        return { error: 'Max attempts must be a whole number ≥ 1' };
      request.reconnect.maxAttempts = attempts;
    }
  }
  return { request };
}

function wholeNumber(text: string, what: string, min: number, max: number): number | string {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    return `${what} must be a whole number from ${min} to ${max}`;
  return n;
}

/**
 * A storm (many connections to the form's URL, same headers, subprotocols, TLS setting and credentials), or what to
 * fix. Heartbeat and reconnect do not apply to storms.
 */
export function buildStormRequest(f: ConnectFields): { request: StormRequest } | { error: string } {
  const base = buildConnectRequest({ ...f, heartbeatKind: 'none', reconnect: false });
  if ('error' in base) return base;
  const count = wholeNumber(f.stormCount, 'Connections', 1, MAX_STORM_CONNECTIONS);
  if (typeof count === 'string') return { error: count };
  const { url, headers, protocols, insecure, auth } = base.request;
  const request: StormRequest = { url, count };
  if (headers) request.headers = headers;
  if (protocols) request.protocols = protocols;
  if (insecure) request.insecure = insecure;
  if (auth) request.auth = auth;
  if (f.stormConcurrency.trim()) {
    const concurrency = wholeNumber(f.stormConcurrency, 'Concurrency', 1, 1000);
    if (typeof concurrency === 'string') return { error: concurrency };
    request.concurrency = concurrency;
  }
  const interval = wholeNumber(f.stormIntervalMs || '0', 'The interval', 0, 60_000);
  if (typeof interval === 'string') return { error: interval };
  if (interval) request.intervalMs = interval;
  const holdMs = Math.round(Number(f.stormHoldSeconds || '0') * 1000);
  if (!Number.isFinite(holdMs) || holdMs < 0 || holdMs > 3_600_000)
    return { error: 'Hold must be 0 to 3600 seconds' };
  if (holdMs) request.holdMs = holdMs;
  return { request };
}
