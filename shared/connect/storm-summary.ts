import type { CaptureEvent, ConnectionId } from '../model/events.js';

export interface StormSummary {
  attempts: number;
  opened: number;
  failed: number;
  /** Why connections never opened: `HTTP 503`, an error code, or `no response`; most frequent first. */
  failures: { reason: string; count: number }[];
  /** Time from the attempt to the complete 101 head, over the connections that opened. */
  handshakeMs?: { median: number; p95: number };
}

interface Outcome {
  opened: boolean;
  status?: number;
  error?: string;
  handshakeMs?: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? 0;
}

/** Outcomes of the given connections, from their records. Pure. */
export function summarizeStorm(
  events: readonly CaptureEvent[],
  conns: readonly ConnectionId[],
): StormSummary {
  const outcomes = new Map<ConnectionId, Outcome>(conns.map((conn) => [conn, { opened: false }]));
  for (const event of events) {
    const outcome = outcomes.get(event.conn);
    if (!outcome) continue;
    if (event.type === 'open') outcome.opened = true;
    else if (event.type === 'http-response') {
      if (event.head.status === 101) outcome.handshakeMs = event.timing.headersCompleteMs;
      else outcome.status = event.head.status;
    } else if (event.type === 'error') outcome.error ??= event.code;
  }
  const failures = new Map<string, number>();
  const handshakes: number[] = [];
  let opened = 0;
  for (const outcome of outcomes.values()) {
    if (outcome.opened) {
      opened++;
      if (outcome.handshakeMs !== undefined) handshakes.push(outcome.handshakeMs);
      continue;
    }
    const reason = outcome.status !== undefined ? `HTTP ${outcome.status}` : (outcome.error ?? 'no response');
    failures.set(reason, (failures.get(reason) ?? 0) + 1);
  }
  handshakes.sort((a, b) => a - b);
  return {
    attempts: outcomes.size,
    opened,
    failed: outcomes.size - opened,
    failures: [...failures]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    ...(handshakes.length > 0
      ? { handshakeMs: { median: percentile(handshakes, 50), p95: percentile(handshakes, 95) } }
      : {}),
  };
}
