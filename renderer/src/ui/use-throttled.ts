import { useEffect, useRef, useState } from 'react';

/**
 * How often whole-log work (analysis) may follow a live log of `size` records as it grows: at once for small logs,
 * then every second, and every 10 s at 1,000,000 records, so its share of the page's time stays small. (A session
 * file is analysed once, when it has been read completely.)
 */
export const throttleMsForLog = (size: number): number => (size < 20_000 ? 0 : Math.max(1000, size / 100));

/**
 * `value`, changing at most once per `intervalMs` (the latest value always lands, on the trailing edge). With 0 it
 * follows at once. Keeps O(log size) work per change from turning O(n²) while a large session streams in.
 */
export function useThrottled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const lastChange = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const show = () => {
      lastChange.current = performance.now();
      setShown(value);
    };
    const wait = lastChange.current + intervalMs - performance.now();
    if (wait <= 0) return show();
    const timer = setTimeout(show, wait);
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs]);
  return shown;
}
