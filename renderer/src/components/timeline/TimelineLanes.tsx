import { memo } from 'react';
import { formatMs } from '../../../../shared/analysis/index.js';
import type { SilentGap } from '../../../../shared/analysis/index.js';
import type { Direction } from '../../../../shared/model/wire.js';
import { opcodeName } from '../../format/protocol-names.js';
import type { LaneFrames } from '../../timeline/binning.js';
import { binFrames, FRAME_KIND, FRAME_KINDS, visibleFrames } from '../../timeline/binning.js';
import type { TimeRange } from '../../timeline/scale.js';
import type { CloseMarker, PingPair, TimelineData } from '../../timeline/timeline-data.js';
import { visibleGaps } from '../../timeline/timeline-data.js';

export const LANE_HEIGHT = 34;
const LABEL_ROOM = 14;
export const ROW_HEIGHT = LABEL_ROOM + LANE_HEIGHT * 2;
/** Above this many frames in view, frames are aggregated per pixel column instead of drawn one by one. */
const INDIVIDUAL_LIMIT = 1500;
const MAX_PING_LABELS = 40;
/** Beyond this, pings are left to the control-frame bins of the lanes. */
const MAX_PING_MARKS = 400;

const LANES: { dir: Direction; label: string }[] = [
  { dir: 'c2s', label: '↑ client→server' },
  { dir: 's2c', label: '↓ server→client' },
];
const KIND_CLASS = ['frame-data', 'frame-control', 'frame-violation'] as const;
const KIND_NAME = ['data', 'control', 'violation'] as const;

interface Scale {
  range: TimeRange;
  width: number;
  pxPerMs: number;
  /** Added to this row's times to put them on the shared axis (all-attempts view). */
  offset: number;
}

const xOf = (scale: Scale, t: number): number => (t + scale.offset - scale.range.start) * scale.pxPerMs;
const laneY = (dir: Direction): number => LABEL_ROOM + (dir === 'c2s' ? 0 : LANE_HEIGHT);

function LaneFramesView({ lane, dir, scale }: { lane: LaneFrames; dir: Direction; scale: Scale }) {
  const y = laneY(dir);
  const start = scale.range.start - scale.offset;
  const end = scale.range.end - scale.offset;
  const individual = visibleFrames(lane, start, end, INDIVIDUAL_LIMIT);
  if (individual) {
    return (
      <g data-testid={`lane-${dir}`} data-mode="frames" data-visible={individual.length}>
        {individual.map((i) => {
          const kind = lane.kind[i]!;
          const x = xOf(scale, lane.t[i]!);
          const height = kind === FRAME_KIND.data ? LANE_HEIGHT - 10 : LANE_HEIGHT - 18;
          return (
            <rect
              key={i}
              className={KIND_CLASS[kind]}
              x={x - 1}
              width={2}
              y={y + (LANE_HEIGHT - height) / 2}
              height={height}
            >
              <title>
                {`#${lane.seq[i]} ${opcodeName(lane.opcode[i]!)} at ${formatMs(lane.t[i]!)}${kind === FRAME_KIND.violation ? ' ⚠ violation' : ''}`}
              </title>
            </rect>
          );
        })}
      </g>
    );
  }
  const bins = binFrames(lane, start, end, Math.max(1, Math.floor(scale.width / 2)));
  const columnWidth = scale.width / bins.columns;
  const bars: React.ReactElement[] = [];
  for (let c = 0; c < bins.columns; c++) {
    const base = c * FRAME_KINDS;
    const total = bins.counts[base]! + bins.counts[base + 1]! + bins.counts[base + 2]!;
    if (total === 0) continue;
    // Log scale: one frame stays visible next to a column holding thousands.
    const height = 4 + ((LANE_HEIGHT - 8) * Math.log1p(total)) / Math.log1p(bins.max);
    const dominant = bins.counts[base + 2]! > 0 ? 2 : bins.counts[base]! >= bins.counts[base + 1]! ? 0 : 1;
    bars.push(
      <rect
        key={c}
        className={KIND_CLASS[dominant]}
        x={c * columnWidth}
        width={Math.max(1, columnWidth)}
        y={y + (LANE_HEIGHT - height) / 2}
        height={height}
      >
        <title>{`${total} frames (${KIND_NAME.map((n, k) => `${bins.counts[base + k]} ${n}`).join(', ')})`}</title>
      </rect>,
    );
  }
  return (
    <g data-testid={`lane-${dir}`} data-mode="bins" data-visible={bins.visible}>
      {bars}
    </g>
  );
}

function GapShade({ gap, scale, thresholdMs }: { gap: SilentGap; scale: Scale; thresholdMs: number }) {
  const x1 = Math.max(-1, xOf(scale, gap.startT));
  const x2 = Math.min(scale.width + 1, xOf(scale, gap.endT));
  const over = gap.durationMs > thresholdMs;
  const dropX = xOf(scale, gap.startT + thresholdMs);
  const label = `${formatMs(gap.durationMs)} silent${over ? ' · would drop' : ''}`;
  return (
    <g className={over ? 'gap gap-over' : 'gap'} data-testid="timeline-gap" data-over={over}>
      <rect x={x1} width={Math.max(1, x2 - x1)} y={LABEL_ROOM} height={LANE_HEIGHT * 2}>
        <title>{`Silence of ${formatMs(gap.durationMs)} (no frame either way)${over ? ` — longer than the idle threshold of ${formatMs(thresholdMs)}: a proxy with that timeout would drop the connection here` : ''}`}</title>
      </rect>
      {x2 - x1 > label.length * 6.5 + 8 && (
        // Beside the drop line when there is one, so the line does not cross the text.
        <text
          x={over && dropX > x1 && dropX < x2 - label.length * 6.5 ? dropX + 6 : (x1 + x2) / 2}
          y={LABEL_ROOM + LANE_HEIGHT + 4}
          className="gap-label"
          textAnchor={over && dropX > x1 && dropX < x2 - label.length * 6.5 ? 'start' : 'middle'}
        >
          {label}
        </text>
      )}
      {over && dropX >= x1 && dropX <= x2 && (
        <line
          className="drop-line"
          x1={dropX}
          x2={dropX}
          y1={LABEL_ROOM}
          y2={LABEL_ROOM + LANE_HEIGHT * 2}
          data-testid="drop-line"
        />
      )}
    </g>
  );
}

function PingMarks({ pings, scale }: { pings: PingPair[]; scale: Scale }) {
  const inView = pings.filter((p) => {
    const x = xOf(scale, p.t);
    const x2 = p.pongT === undefined ? x : xOf(scale, p.pongT);
    return x2 >= 0 && x <= scale.width;
  });
  if (inView.length > MAX_PING_MARKS) return null;
  const labelled = inView.length <= MAX_PING_LABELS;
  return (
    <g className="pings">
      {inView.map((p) => {
        const fromDir: Direction = p.side === 'client' ? 'c2s' : 's2c';
        const toDir: Direction = fromDir === 'c2s' ? 's2c' : 'c2s';
        const x = xOf(scale, p.t);
        const y = laneY(fromDir) + LANE_HEIGHT / 2;
        const what = p.request
          ? `request #${p.seq} (${p.app})`
          : p.app
            ? `heartbeat message #${p.seq} (${p.app})`
            : `ping #${p.seq}`;
        const reply = p.request ? 'response' : p.app ? 'reply' : 'pong';
        const title =
          p.rttMs === undefined
            ? `${what} from the ${p.side}: no ${reply}`
            : `${what} from the ${p.side}, ${reply} after ${p.rttMs.toFixed(2)} ms (RTT)`;
        const unanswered = p.app ? p.missing === true : p.rttMs === undefined;
        const pongX = p.pongT === undefined ? undefined : xOf(scale, p.pongT);
        const pongY = laneY(toDir) + LANE_HEIGHT / 2;
        return (
          <g
            key={`${p.seq}:${p.app ?? ''}`}
            className={`ping${p.app ? ' app-ping' : ''}${p.request ? ' request-pair' : ''}${unanswered ? ' ping-unanswered' : ''}`}
            data-testid={p.request ? 'timeline-request' : 'timeline-ping'}
          >
            <title>{title}</title>
            {pongX !== undefined && <line x1={x} y1={y} x2={pongX} y2={pongY} className="ping-link" />}
            {p.app ? (
              <polygon
                points={`${x},${y - 5} ${x + 5},${y} ${x},${y + 5} ${x - 5},${y}`}
                className="ping-dot"
              />
            ) : (
              <circle cx={x} cy={y} r={4} className="ping-dot" />
            )}
            {pongX !== undefined && (
              <rect x={pongX - 3.5} y={pongY - 3.5} width={7} height={7} className="pong-dot" />
            )}
            {labelled && (
              <text
                x={x + 6}
                y={y + (fromDir === 'c2s' ? 14 : -8)}
                className="rtt-label"
                data-testid="rtt-label"
              >
                {p.rttMs === undefined
                  ? `no ${reply}`
                  : `${p.rttMs < 10 ? p.rttMs.toFixed(1) : Math.round(p.rttMs)} ms`}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}

function CloseMark({ close, scale }: { close: CloseMarker; scale: Scale }) {
  const x = xOf(scale, close.t);
  if (x < -2 || x > scale.width + 2) return null;
  const anchorEnd = x > scale.width - 240;
  return (
    <g className={`close-mark close-${close.kind}`} data-testid="close-marker">
      <title>{close.label}</title>
      <line x1={x} x2={x} y1={2} y2={ROW_HEIGHT} />
      <text x={anchorEnd ? x - 4 : x + 4} y={11} textAnchor={anchorEnd ? 'end' : 'start'}>
        ✕ {close.label}
      </text>
    </g>
  );
}

/** Two lanes of one connection: frames, silences, pings with their pongs, and the close. */
export const TimelineLanes = memo(function TimelineLanes({
  data,
  range,
  width,
  offset,
  thresholdMs,
  title,
}: {
  data: TimelineData;
  range: TimeRange;
  width: number;
  offset: number;
  thresholdMs: number;
  title: string;
}) {
  const scale: Scale = { range, width, pxPerMs: width / (range.end - range.start), offset };
  // Between any two frames there is a silence; shade the ones that matter for an idle timeout (half of it: the
  // heartbeat rule of thumb) or that stand out at this zoom (a tenth of the view).
  const notable = Math.min(thresholdMs / 2, (range.end - range.start) / 10);
  const gaps = visibleGaps(data.gaps, range.start - offset, range.end - offset, scale.pxPerMs, 6).filter(
    (gap) => gap.durationMs >= notable,
  );
  return (
    <svg className="timeline-lanes" width={width} height={ROW_HEIGHT} role="img" aria-label={title}>
      {LANES.map(({ dir }) => (
        <rect
          key={dir}
          className={`lane-bg lane-${dir}`}
          x={0}
          width={width}
          y={laneY(dir)}
          height={LANE_HEIGHT}
        />
      ))}
      {gaps.map((gap) => (
        <GapShade key={gap.startT} gap={gap} scale={scale} thresholdMs={thresholdMs} />
      ))}
      {LANES.map(({ dir }) => (
        <LaneFramesView key={dir} lane={data.lanes[dir]} dir={dir} scale={scale} />
      ))}
      <PingMarks pings={data.pings} scale={scale} />
      {data.close && <CloseMark close={data.close} scale={scale} />}
      {/* Drawn last, over the marks, so the lane names stay readable. */}
      {LANES.map(({ dir, label }) => (
        <text key={dir} className="lane-label" x={4} y={laneY(dir) + 11}>
          {label}
        </text>
      ))}
    </svg>
  );
});
