/**
 * Idle timeouts of common components on a WebSocket's path (vendor defaults; sources in docs/findings.md).
 * A connection dropped without a close frame after about this much silence most likely met one of them.
 */
export interface IdleTimeout {
  component: string;
  /** The setting that controls it. */
  setting: string;
  timeoutMs: number;
  /** How far a measured silence may be from the timeout and still match. */
  toleranceMs: number;
}

/** Timer granularity plus scheduling noise: a 60 s timer fires between 60 and ~61 s. */
const defaultTolerance = (timeoutMs: number): number => Math.max(1_000, timeoutMs * 0.05);

const entry = (component: string, setting: string, seconds: number, toleranceMs?: number): IdleTimeout => ({
  component,
  setting,
  timeoutMs: seconds * 1000,
  toleranceMs: toleranceMs ?? defaultTolerance(seconds * 1000),
});

export const KNOWN_IDLE_TIMEOUTS: readonly IdleTimeout[] = [
  entry('nginx', 'proxy_read_timeout / proxy_send_timeout (default 60 s)', 60),
  entry('Kubernetes ingress-nginx', 'nginx.ingress.kubernetes.io/proxy-read-timeout (default 60 s)', 60),
  entry('AWS Application/Classic Load Balancer', 'idle_timeout.timeout_seconds (default 60 s)', 60),
  entry('Heroku router', '55 s rolling idle window (error H15)', 55),
  // Cloudflare documents "about 100 seconds"; allow for the imprecision.
  entry('Cloudflare proxy', 'WebSocket idle timeout (~100 s, widely reported)', 100, 10_000),
  entry('Cloudflare proxy', 'Proxy Read Timeout to the origin (120 s, error 524)', 120),
  entry('Azure Load Balancer', 'idle timeout (default 4 min)', 240),
  entry('Azure Front Door', 'idle timeout (5 min)', 300),
  entry('Envoy', 'stream_idle_timeout (default 5 min)', 300),
  entry('AWS Network Load Balancer', 'TCP idle timeout (350 s)', 350),
  entry('AWS API Gateway WebSocket', 'idle connection timeout (10 min)', 600),
];

export interface IdleTimeoutMatch extends IdleTimeout {
  /** Measured silence minus the timeout. */
  deltaMs: number;
}

/** Known timeouts (plus the user's own, if given) that a measured silence matches, closest first. */
export function matchIdleTimeouts(silenceMs: number, extra: readonly IdleTimeout[] = []): IdleTimeoutMatch[] {
  return [...extra, ...KNOWN_IDLE_TIMEOUTS]
    .map((t) => ({ ...t, deltaMs: silenceMs - t.timeoutMs }))
    .filter((m) => Math.abs(m.deltaMs) <= m.toleranceMs)
    .sort((a, b) => Math.abs(a.deltaMs) - Math.abs(b.deltaMs));
}

/** Largest heartbeat interval that keeps a connection alive through `timeoutMs` of allowed idleness (< half). */
export function safeHeartbeatMs(timeoutMs: number): number {
  return Math.floor(timeoutMs / 2);
}

export function userIdleTimeout(thresholdMs: number): IdleTimeout {
  return {
    component: 'your configured idle threshold',
    setting: '--idle-threshold',
    timeoutMs: thresholdMs,
    toleranceMs: defaultTolerance(thresholdMs),
  };
}
