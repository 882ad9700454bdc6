/** Frame kinds drawn differently on a lane. Violation wins over the others when a frame is both. */
export const FRAME_KIND = { data: 0, control: 1, violation: 2 } as const;
export type FrameKind = (typeof FRAME_KIND)[keyof typeof FRAME_KIND];
export const FRAME_KINDS = 3;

/** Frames of one direction, sorted by time, in columns (typed arrays: 100k+ frames stay cheap). */
export interface LaneFrames {
  t: Float64Array;
  kind: Uint8Array;
  seq: Uint32Array;
  opcode: Uint8Array;
  count: number;
}

export interface LaneBuilder {
  push(t: number, kind: FrameKind, seq: number, opcode: number): void;
  finish(): LaneFrames;
}

export function laneBuilder(capacity = 256): LaneBuilder {
  let t = new Float64Array(capacity);
  let kind = new Uint8Array(capacity);
  let seq = new Uint32Array(capacity);
  let opcode = new Uint8Array(capacity);
  let count = 0;
  const grow = () => {
    const size = t.length * 2;
    const nt = new Float64Array(size);
    nt.set(t);
    const nk = new Uint8Array(size);
    nk.set(kind);
    const ns = new Uint32Array(size);
    ns.set(seq);
    const no = new Uint8Array(size);
    no.set(opcode);
    [t, kind, seq, opcode] = [nt, nk, ns, no];
  };
  return {
    push(at, k, s, op) {
      if (count === t.length) grow();
      t[count] = at;
      kind[count] = k;
      seq[count] = s;
      opcode[count] = op;
      count++;
    },
    finish: () => ({ t, kind, seq, opcode, count }),
  };
}

/** First index whose time is >= `time` (times sorted ascending). */
export function lowerBound(times: Float64Array, count: number, time: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Frames counted per pixel column and kind: `counts[column * FRAME_KINDS + kind]`. */
export interface Bins {
  columns: number;
  counts: Uint32Array;
  /** Largest total of one column, for scaling heights. */
  max: number;
  /** Frames inside the range. */
  visible: number;
}

/**
 * Aggregates the frames inside [start, end] into `columns` columns. Only the visible frames are visited (binary
 * search for the first), so zooming into a 100k-frame capture costs what is on screen.
 */
export function binFrames(lane: LaneFrames, start: number, end: number, columns: number): Bins {
  const cols = Math.max(1, Math.floor(columns));
  const counts = new Uint32Array(cols * FRAME_KINDS);
  const span = end - start;
  let max = 0;
  let visible = 0;
  if (span > 0) {
    const perMs = cols / span;
    for (let i = lowerBound(lane.t, lane.count, start); i < lane.count; i++) {
      const at = lane.t[i]!;
      if (at > end) break;
      const column = Math.min(cols - 1, Math.floor((at - start) * perMs));
      counts[column * FRAME_KINDS + lane.kind[i]!]! += 1;
      visible++;
    }
    for (let c = 0; c < cols; c++) {
      const total = counts[c * FRAME_KINDS]! + counts[c * FRAME_KINDS + 1]! + counts[c * FRAME_KINDS + 2]!;
      if (total > max) max = total;
    }
  }
  return { columns: cols, counts, max, visible };
}

/** Indices of the frames inside [start, end], or null when there are more than `limit` (draw bins instead). */
export function visibleFrames(lane: LaneFrames, start: number, end: number, limit: number): number[] | null {
  const out: number[] = [];
  for (let i = lowerBound(lane.t, lane.count, start); i < lane.count && lane.t[i]! <= end; i++) {
    if (out.length === limit) return null;
    out.push(i);
  }
  return out;
}
