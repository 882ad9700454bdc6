import type { Finding } from '../../model/finding.js';
import type { ConnectionFacts } from '../connection-facts.js';
import { formatMs } from '../format.js';
import type { ResolvedOptions } from './context.js';
import { eventRef, makeFinding } from './context.js';

interface Attempt {
  id: string;
  t: number;
  index: number;
}

/**
 * Many attempts to one URL within a short window whose spacing does not grow: a client reconnecting in a loop
 * without backoff. One finding per URL, on the first connection of the storm.
 */
export function reconnectStorms(all: readonly ConnectionFacts[], options: ResolvedOptions): Finding[] {
  const byUrl = new Map<string, Attempt[]>();
  for (const facts of all) {
    const c = facts.connection;
    if (!c) continue;
    const list = byUrl.get(c.url) ?? [];
    list.push({ id: facts.id, t: c.t, index: c.index });
    byUrl.set(c.url, list);
  }
  const findings: Finding[] = [];
  for (const [url, unsorted] of byUrl) {
    const attempts = [...unsorted].sort((a, b) => a.t - b.t);
    if (attempts.length < options.reconnectAttempts) continue;
    // Largest window of attempts within reconnectWindowMs (two pointers: linear).
    let best = { from: 0, to: -1 };
    let from = 0;
    for (let to = 0; to < attempts.length; to++) {
      while ((attempts[to]?.t ?? 0) - (attempts[from]?.t ?? 0) > options.reconnectWindowMs) from++;
      if (to - from > best.to - best.from) best = { from, to };
    }
    const storm = attempts.slice(best.from, best.to + 1);
    if (storm.length < options.reconnectAttempts) continue;
    const intervals = storm.slice(1).map((a, i) => a.t - (storm[i]?.t ?? a.t));
    const firstInterval = intervals[0] ?? 0;
    const lastInterval = intervals[intervals.length - 1] ?? 0;
    // Exponential backoff at least doubles the spacing over a handful of attempts.
    if (lastInterval >= Math.max(2 * firstInterval, 1)) continue;
    const first = storm[0];
    const last = storm[storm.length - 1];
    if (!first || !last) continue;
    const span = last.t - first.t;
    findings.push(
      makeFinding(first.id, {
        id: 'session.reconnect-storm',
        severity: 'warning',
        title: `${storm.length} connection attempts to ${url} in ${formatMs(span)} without backoff`,
        detail:
          `${storm.length} attempts to ${url} within ${formatMs(span)} (window ${formatMs(options.reconnectWindowMs)}); ` +
          `spacing ${formatMs(firstInterval)} at first and ${formatMs(lastInterval)} at the end, so it does not grow. ` +
          `Connections: ${storm.map((a) => a.id).join(', ')}.`,
        evidence: [eventRef(first.index, 'first attempt')],
        fix: 'Reconnect with exponential backoff and jitter (e.g. 1 s, 2 s, 4 s ... capped at 30–60 s, ±50 % random), and reset the delay only after a connection has stayed up for a while.',
      }),
    );
  }
  return findings;
}
