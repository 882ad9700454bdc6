import type { TimeRange } from '../../timeline/scale.js';
import { timeTicks } from '../../timeline/scale.js';

export const AXIS_HEIGHT = 22;

export function TimelineAxis({ range, width }: { range: TimeRange; width: number }) {
  const pxPerMs = width / (range.end - range.start);
  const ticks = timeTicks(range, width);
  return (
    <svg className="timeline-axis" width={width} height={AXIS_HEIGHT} aria-label="Time axis" role="img">
      <line x1={0} x2={width} y1={AXIS_HEIGHT - 1} y2={AXIS_HEIGHT - 1} className="axis-line" />
      {ticks.map((tick) => {
        const x = (tick.t - range.start) * pxPerMs;
        return (
          <g key={tick.t} transform={`translate(${x},0)`} data-testid="timeline-tick">
            <line y1={AXIS_HEIGHT - 6} y2={AXIS_HEIGHT - 1} className="axis-line" />
            <text x={3} y={AXIS_HEIGHT - 8} className="axis-label">
              {tick.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
