import type { CaptureEvent } from '../../../shared/model/events.js';

/** Identity of a record good enough to recognise the same record delivered twice (t is a fractional ms clock). */
function recordKey(event: CaptureEvent): string {
  const detail =
    event.type === 'frame'
      ? `f${event.frame.seq}`
      : event.type === 'message'
        ? `m${event.message.id}`
        : event.type === 'violation'
          ? `v${event.violation.code}`
          : '';
  return `${event.conn}\u0000${event.t}\u0000${event.type}\u0000${detail}`;
}

/**
 * Live batches that arrive while a snapshot is in flight may also be inside the snapshot. Returns the live events the
 * snapshot does not already contain, in order.
 */
export function liveEventsAfterSnapshot(
  snapshot: readonly CaptureEvent[],
  live: readonly CaptureEvent[],
): CaptureEvent[] {
  if (live.length === 0) return [];
  const earliest = Math.min(...live.map((e) => e.t));
  const seen = new Set<string>();
  for (let i = snapshot.length - 1; i >= 0; i--) {
    const event = snapshot[i]!;
    if (event.t < earliest) continue;
    seen.add(recordKey(event));
  }
  return live.filter((event) => !seen.has(recordKey(event)));
}
