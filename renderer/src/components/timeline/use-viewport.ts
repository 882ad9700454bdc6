import { useCallback, useEffect, useState } from 'react';
import type { RefObject } from 'react';
import type { TimeRange } from '../../timeline/scale.js';
import { clampRange, fitRange, zoomRange } from '../../timeline/scale.js';

export interface Viewport {
  range: TimeRange;
  /** True while the view follows the whole recording (it grows with live traffic). */
  fitted: boolean;
  /** Zoom by `factor` (< 1 zooms in) around the point at `ratio` (0 = left edge, 1 = right edge) of the view. */
  zoomAround: (factor: number, ratio?: number) => void;
  panTo: (start: number) => void;
  fit: () => void;
}

/** The visible window over [0, extent]: fitted until the user zooms or pans, then kept where they put it. */
export function useViewport(extent: number): Viewport {
  const [manual, setManual] = useState<TimeRange | null>(null);
  const range = manual ? clampRange(manual, extent) : fitRange(extent);
  const zoomAround = useCallback(
    (factor: number, ratio = 0.5) =>
      setManual((previous) => {
        const current = previous ? clampRange(previous, extent) : fitRange(extent);
        const anchor = current.start + ratio * (current.end - current.start);
        const next = zoomRange(current, factor, anchor, extent);
        return next.end - next.start >= extent ? null : next;
      }),
    [extent],
  );
  const panTo = useCallback(
    (start: number) =>
      setManual((previous) => {
        const current = previous ? clampRange(previous, extent) : fitRange(extent);
        return clampRange({ start, end: start + current.end - current.start }, extent);
      }),
    [extent],
  );
  const fit = useCallback(() => setManual(null), []);
  return { range, fitted: manual === null, zoomAround, panTo, fit };
}

/** Width of an element in px, kept up to date. */
export function useWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
