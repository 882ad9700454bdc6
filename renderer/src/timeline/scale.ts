/** A visible time window in ms, relative to the timeline's origin. */
export interface TimeRange {
  start: number;
  end: number;
}

export interface Tick {
  t: number;
  label: string;
}

/** The 1-2-5 step closest above `range / targetCount`, so ticks land on round numbers. */
export function niceStep(range: number, targetCount: number): number {
  if (!(range > 0) || !(targetCount > 0)) return 1;
  const raw = range / targetCount;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 5, 10]) if (factor * magnitude >= raw) return factor * magnitude;
  return 10 * magnitude;
}

/** "250 ms", "1.5 s", "2 min", "1 min 30 s": precision follows the tick step, not the value. */
export function formatTick(t: number, step: number): string {
  if (step < 100) {
    const decimals = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return `${t.toFixed(decimals)} ms`;
  }
  if (step < 60_000 && Math.abs(t) < 120_000) {
    const decimals = step % 1000 === 0 ? 0 : 1;
    return `${(t / 1000).toFixed(decimals)} s`;
  }
  const totalSeconds = Math.round(t / 1000);
  const minutes = Math.trunc(totalSeconds / 60);
  const seconds = Math.abs(totalSeconds % 60);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** Ticks on round values inside the range; about one per `minSpacingPx` of `widthPx`. */
export function timeTicks(range: TimeRange, widthPx: number, minSpacingPx = 80): Tick[] {
  const span = range.end - range.start;
  if (!(span > 0) || widthPx <= 0) return [];
  const step = niceStep(span, Math.max(1, Math.floor(widthPx / minSpacingPx)));
  const ticks: Tick[] = [];
  const first = Math.ceil(range.start / step) * step;
  for (let i = 0; ; i++) {
    const t = first + i * step;
    if (t > range.end + step * 1e-9) break;
    // Multiplying instead of accumulating keeps 0.1-steps from drifting to 0.30000000000000004.
    const rounded = Number(t.toPrecision(12));
    ticks.push({ t: rounded, label: formatTick(rounded, step) });
  }
  return ticks;
}

export const MIN_SPAN_MS = 0.5;

/** Zoom by `factor` (< 1 zooms in) keeping time `anchor` at the same screen position; clamped to [0, total]. */
export function zoomRange(range: TimeRange, factor: number, anchor: number, total: number): TimeRange {
  const span = range.end - range.start;
  const limit = Math.max(total, MIN_SPAN_MS);
  const nextSpan = Math.min(limit, Math.max(MIN_SPAN_MS, span * factor));
  const ratio = span > 0 ? (anchor - range.start) / span : 0.5;
  return clampRange({ start: anchor - ratio * nextSpan, end: anchor - ratio * nextSpan + nextSpan }, total);
}

/** Shift by `deltaMs` without leaving [0, total]. */
export function panRange(range: TimeRange, deltaMs: number, total: number): TimeRange {
  return clampRange({ start: range.start + deltaMs, end: range.end + deltaMs }, total);
}

export function clampRange(range: TimeRange, total: number): TimeRange {
  const span = Math.min(range.end - range.start, Math.max(total, MIN_SPAN_MS));
  let start = Math.max(0, range.start);
  if (start + span > Math.max(total, MIN_SPAN_MS)) start = Math.max(0, Math.max(total, MIN_SPAN_MS) - span);
  return { start, end: start + span };
}

export function fitRange(total: number): TimeRange {
  return { start: 0, end: Math.max(MIN_SPAN_MS, total) };
}

/** The extent the axis covers: a little room after the last event so the close marker is not on the edge. */
export function paddedExtent(lastT: number): number {
  return Math.max(MIN_SPAN_MS * 2, lastT * 1.03);
}
