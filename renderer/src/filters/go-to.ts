import type { ConnectionLog } from '../store/hot-log.js';

export type GoToTarget = { kind: 'frame'; seq: number } | { kind: 'time'; ms: number };

/**
 * What the user typed into "Go to": a frame number (`1234`, `#1234`) or a time since the connection started
 * (`+250ms`, `1.5s`, `+1200`, `2m`). Null when it is neither.
 */
export function parseGoTo(text: string): GoToTarget | null {
  const trimmed = text.trim();
  const frame = /^#?(\d+)$/.exec(trimmed);
  if (frame) return { kind: 'frame', seq: Number(frame[1]) };
  const time = /^\+?(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(trimmed);
  if (!time || (!trimmed.startsWith('+') && !time[2])) return null;
  const value = Number(time[1]);
  const unit = time[2] ?? 'ms';
  return { kind: 'time', ms: unit === 'm' ? value * 60_000 : unit === 's' ? value * 1000 : value };
}

/** First position in ascending `rows` whose value is >= `index` (rows.length when none). */
function lowerBound(rows: ArrayLike<number>, test: (value: number) => boolean): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (test(rows[middle]!)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Position in the table of the target: the row of the frame (or, in the messages view, the first row at or after it:
 * its message), or the first row at or after the time. O(log n). -1 when the table has no such row.
 */
export function positionOf(
  target: GoToTarget,
  rows: ArrayLike<number>,
  log: ConnectionLog,
  startT: number,
): number {
  let position: number;
  if (target.kind === 'frame') {
    const index = log.frameIndex(target.seq);
    if (index === undefined) return -1;
    position = lowerBound(rows, (value) => value >= index);
  } else {
    const t = startT + target.ms;
    position = lowerBound(rows, (value) => log.events.timeAt(value) >= t);
  }
  return position < rows.length ? position : -1;
}
