import { useEffect, useRef } from 'react';
import type { TimeRange } from '../../timeline/scale.js';

/** A native horizontal scrollbar over the whole recording; scrolling it pans the timeline. */
export function TimelineScrollbar({
  range,
  extent,
  width,
  onScrollTo,
}: {
  range: TimeRange;
  extent: number;
  width: number;
  onScrollTo: (start: number) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const span = range.end - range.start;
  // Browsers cap element sizes; beyond a few million px the scrollbar keeps its last resolution.
  const innerWidth = Math.min(5_000_000, (width * extent) / span);
  const pxPerMs = innerWidth / extent;
  const settingRef = useRef(false);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const target = range.start * pxPerMs;
    if (Math.abs(element.scrollLeft - target) > 1) {
      settingRef.current = true;
      element.scrollLeft = target;
    }
  }, [range.start, pxPerMs]);

  return (
    <div
      className="timeline-scroll"
      ref={ref}
      data-testid="timeline-scrollbar"
      aria-label="Pan the timeline"
      onScroll={(event) => {
        if (settingRef.current) {
          settingRef.current = false;
          return;
        }
        onScrollTo(event.currentTarget.scrollLeft / pxPerMs);
      }}
    >
      <div style={{ width: innerWidth, height: 1 }} />
    </div>
  );
}
