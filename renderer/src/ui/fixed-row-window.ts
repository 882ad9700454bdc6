import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { RefObject } from 'react';

export interface RowRange {
  /** First and last row index to render (inclusive); last < first when there is nothing to render. */
  first: number;
  last: number;
}

/** Rows intersecting the viewport, plus `overscan` rows either side. O(1): every row has the same height. */
export function visibleRows(
  scrollTop: number,
  viewportHeight: number,
  count: number,
  rowHeight: number,
  overscan: number,
): RowRange {
  if (count === 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.min(count - 1, Math.floor(scrollTop / rowHeight) - overscan));
  const last = Math.min(count - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) - 1 + overscan);
  return { first, last: Math.max(first, last) };
}

/** Where to scroll so row `index` is visible ('auto': only if it is not; 'end': at the bottom edge). */
export function scrollTopFor(
  index: number,
  align: 'auto' | 'end',
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight - viewportHeight;
  if (align === 'end') return Math.max(0, bottom);
  if (top < scrollTop) return top;
  if (bottom > scrollTop) return bottom;
  return scrollTop;
}

export interface RowWindow extends RowRange {
  totalHeight: number;
  scrollToIndex: (index: number, align?: 'auto' | 'end') => void;
}

/**
 * Virtualization for rows of one fixed height. Unlike a measuring virtualizer, nothing is computed per row when the
 * row count changes, so appending to a 1,000,000-row table costs the same as to a 10-row one.
 */
export function useFixedRowWindow(
  scrollRef: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  overscan: number,
  /** Following the tail: the last rows are rendered and scrolled to in the same commit as the count that adds them. */
  pinnedToEnd = false,
): RowWindow {
  const [viewport, setViewport] = useState({ top: 0, height: 0 });
  /** Where this hook last scrolled to follow the tail; null while not following. */
  const followedTop = useRef<number | null>(null);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const update = () =>
      setViewport((v) =>
        v.top === el.scrollTop && v.height === el.clientHeight
          ? v
          : { top: el.scrollTop, height: el.clientHeight },
      );
    update();
    // Rendered before the browser paints the scrolled frame, so fast scrolling never shows empty space.
    const onScroll = () => {
      // The scroll this hook made itself to follow the tail: the rows rendered with the new count already show it, and
      // rendering them again cost a third of the page's time at 50,000 messages/s.
      if (followedTop.current !== null && el.scrollTop === followedTop.current) return;
      flushSync(update);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    const resize = new ResizeObserver(update);
    resize.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      resize.disconnect();
    };
  }, [scrollRef]);

  const scrollToIndex = useCallback(
    (index: number, align: 'auto' | 'end' = 'auto') => {
      const el = scrollRef.current;
      if (!el) return;
      const top = scrollTopFor(index, align, el.scrollTop, el.clientHeight, rowHeight);
      if (top !== el.scrollTop) el.scrollTop = top;
    },
    [scrollRef, rowHeight],
  );

  // Derived from the count instead of waiting for the scroll event, which would render the rows a second time (at
  // tens of thousands of rows a second, that doubled the page's layout and paint work).
  const endTop = Math.max(0, count * rowHeight - viewport.height);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    if (pinnedToEnd && viewport.height > 0) {
      el.scrollTop = endTop;
      followedTop.current = el.scrollTop;
    } else if (followedTop.current !== null) {
      // No longer following: the viewport state may still hold the top from before, as the followed scrolls skipped it.
      followedTop.current = null;
      const { scrollTop, clientHeight } = el;
      setViewport((v) =>
        v.top === scrollTop && v.height === clientHeight ? v : { top: scrollTop, height: clientHeight },
      );
    }
  }, [scrollRef, pinnedToEnd, endTop, viewport.height]);

  const top = pinnedToEnd && viewport.height > 0 ? endTop : viewport.top;
  const range = visibleRows(top, viewport.height, count, rowHeight, overscan);
  return { ...range, totalHeight: count * rowHeight, scrollToIndex };
}
