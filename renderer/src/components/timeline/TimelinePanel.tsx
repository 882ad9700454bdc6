import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatMs } from '../../../../shared/analysis/index.js';
import type { ConnectionView } from '../../store/connection-view.js';
import { DEFAULT_PRESET } from '../../timeline/idle-presets.js';
import { paddedExtent } from '../../timeline/scale.js';
import { attemptsOf, attemptWindow } from '../../ui/reconnect-groups.js';
import { useInspector } from '../../ui/store-context.js';
import { useTimelines } from '../../ui/use-timelines.js';
import type { TimelineRow } from '../../ui/use-timelines.js';
import type { ThresholdChoice } from './ThresholdPicker.js';
import { thresholdMs, ThresholdPicker } from './ThresholdPicker.js';
import { TimelineAxis } from './TimelineAxis.js';
import { TimelineLanes } from './TimelineLanes.js';
import { TimelineScrollbar } from './TimelineScrollbar.js';
import { useViewport, useWidth } from './use-viewport.js';
import './timeline.css';
import { visibleTitle } from '../text/VisibleText.js';

const ZOOM_STEP = 1.6;

/** Keys of the attempts to the same endpoint as `view`, oldest first. */
function useAttemptKeys(view: ConnectionView): string[] {
  return useInspector(
    useShallow((s) =>
      attemptsOf(
        s.connectionOrder
          .filter((key) => key.startsWith(`${view.source}/`))
          .map((key) => s.connections[key])
          .filter((v): v is ConnectionView => v !== undefined),
        view.key,
      ),
    ),
  );
}

function countOver(rows: readonly TimelineRow[], threshold: number): number {
  let over = 0;
  for (const row of rows) for (const gap of row.data.gaps) if (gap.durationMs > threshold) over++;
  return over;
}

function Legend() {
  return (
    <p className="timeline-legend" aria-label="Legend">
      <span className="swatch frame-data" /> data <span className="swatch frame-control" /> control{' '}
      <span className="swatch frame-violation" /> ⚠ violation <span className="legend-ping">●</span> ping{' '}
      <span className="legend-ping legend-app-ping">◆</span> heartbeat message{' '}
      <span className="legend-pong">■</span> pong (RTT label) <span className="swatch gap" /> silence{' '}
      <span className="swatch gap-over" /> longer than the idle timeout
    </p>
  );
}

/**
 * The connection over time: two lanes per attempt, a shared axis, zoom (wheel, buttons), pan (drag, scrollbar).
 */
export function TimelinePanel({ view }: { view: ConnectionView }) {
  const [allAttempts, setAllAttempts] = useState(false);
  const [choice, setChoice] = useState<ThresholdChoice>({ preset: DEFAULT_PRESET, customSeconds: '30' });
  const attemptKeys = useAttemptKeys(view);
  const shown = useMemo(
    () =>
      allAttempts && attemptKeys.length > 1
        ? attemptWindow(attemptKeys, view.key)
        : { first: 0, keys: [view.key] },
    [allAttempts, attemptKeys, view.key],
  );
  const keys = shown.keys;
  const rows = useTimelines(keys);
  const connections = useInspector((s) => s.connections);
  const origin = rows.reduce((min, row) => Math.min(min, row.data.origin), Infinity);
  const lastT = rows.reduce((max, row) => Math.max(max, row.data.origin - origin + row.data.lastT), 0);
  const extent = paddedExtent(lastT);
  const viewport = useViewport(extent);
  const { range } = viewport;
  const threshold = thresholdMs(choice);
  const over = countOver(rows, threshold);

  const areaRef = useRef<HTMLDivElement>(null);
  const width = useWidth(areaRef);
  const span = range.end - range.start;

  const { zoomAround, panTo, fit } = viewport;
  // Wheel zoom needs a non-passive listener to keep the page from scrolling.
  useEffect(() => {
    const area = areaRef.current;
    if (!area) return;
    const onWheel = (event: WheelEvent) => {
      if (event.deltaY === 0) return;
      event.preventDefault();
      const box = area.getBoundingClientRect();
      zoomAround(event.deltaY < 0 ? 1 / 1.25 : 1.25, (event.clientX - box.left) / box.width);
    };
    area.addEventListener('wheel', onWheel, { passive: false });
    return () => area.removeEventListener('wheel', onWheel);
  }, [zoomAround]);

  const drag = useRef<{ x: number; start: number } | null>(null);
  const onPointerDown = (event: React.PointerEvent) => {
    if (event.button !== 0) return;
    drag.current = { x: event.clientX, start: range.start };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: React.PointerEvent) => {
    if (!drag.current || width <= 0) return;
    panTo(drag.current.start - ((event.clientX - drag.current.x) * span) / width);
  };
  const onPointerUp = () => {
    drag.current = null;
  };

  return (
    <div className="timeline" data-testid="timeline-panel">
      <div className="timeline-toolbar" role="toolbar" aria-label="Timeline">
        <button type="button" onClick={() => zoomAround(1 / ZOOM_STEP)} data-testid="zoom-in">
          Zoom in
        </button>
        <button type="button" onClick={() => zoomAround(ZOOM_STEP)} data-testid="zoom-out">
          Zoom out
        </button>
        <button type="button" onClick={fit} disabled={viewport.fitted} data-testid="zoom-fit">
          Fit
        </button>
        <span className="timeline-range" data-testid="timeline-range">
          {formatMs(range.start)} – {formatMs(range.end)}
        </span>
        <ThresholdPicker choice={choice} onChange={setChoice} />
        <span
          className={over > 0 ? 'threshold-summary over' : 'threshold-summary'}
          data-testid="threshold-summary"
        >
          {over === 0
            ? `no silence longer than ${formatMs(threshold)}`
            : `${over} silence${over === 1 ? '' : 's'} longer than ${formatMs(threshold)}: would be dropped`}
        </span>
        {attemptKeys.length > 1 && (
          <label className="attempts-toggle">
            <input
              type="checkbox"
              checked={allAttempts}
              data-testid="all-attempts"
              onChange={(e) => setAllAttempts(e.target.checked)}
            />{' '}
            All {attemptKeys.length} attempts
          </label>
        )}
        {allAttempts && keys.length < attemptKeys.length && (
          <span className="attempts-window" data-testid="attempts-window">
            showing attempts {shown.first + 1}–{shown.first + keys.length} around this one
          </span>
        )}
      </div>
      <Legend />
      <div
        className="timeline-area"
        ref={areaRef}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
      >
        {width > 0 && (
          <>
            <TimelineAxis range={range} width={width} />
            {rows.map((row) => {
              const rowView = connections[row.key];
              const attempt = rowView?.attempt;
              const title = `${attempt === undefined ? 'first attempt' : `reconnect #${attempt}`} · ${rowView?.state ?? ''}`;
              return (
                <div key={row.key} className="timeline-row" data-testid="timeline-row">
                  {rows.length > 1 && <div className="timeline-row-title">{title}</div>}
                  <TimelineLanes
                    data={row.data}
                    range={range}
                    width={width}
                    offset={row.data.origin - origin}
                    thresholdMs={threshold}
                    title={`Timeline of ${visibleTitle(rowView?.url ?? row.key)}, ${title}`}
                  />
                </div>
              );
            })}
          </>
        )}
      </div>
      <TimelineScrollbar range={range} extent={extent} width={width} onScrollTo={panTo} />
    </div>
  );
}
