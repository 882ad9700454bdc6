import type { CaptureEvent, ConnectionId } from '../model/events.js';

/** Events grouped by connection, in order of first appearance; each group keeps capture order. */
export function groupByConnection(events: readonly CaptureEvent[]): Map<ConnectionId, CaptureEvent[]> {
  const groups = new Map<ConnectionId, CaptureEvent[]>();
  for (const event of events) {
    const list = groups.get(event.conn);
    if (list) list.push(event);
    else groups.set(event.conn, [event]);
  }
  return groups;
}
