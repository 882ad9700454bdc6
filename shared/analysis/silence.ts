import type { CaptureEvent } from '../model/events.js';
import type { Direction } from '../model/wire.js';
import type { ConnectionFacts } from './connection-facts.js';
import { collectFacts, openedT } from './connection-facts.js';
import { minOf } from './format.js';

/** A stretch of time with no frame in either direction while the connection was open. */
export interface SilentGap {
  startT: number;
  endT: number;
  durationMs: number;
  /** Seq of the frame that ended the silence; undefined for the final gap (ended by TCP/end/now). */
  beforeSeq?: number;
  /** Seq of the frame before the silence; undefined when it started at the upgrade. */
  afterSeq?: number;
  /** The gap that runs up to the end of the open period (or to `now` while open). */
  final: boolean;
}

export interface OpenPeriod {
  startT: number;
  /** First of: a close frame, TCP FIN/RST, an error, the end record. */
  endT: number;
  /** True when the period has not ended: endT is `now` or the last event seen. */
  ongoing: boolean;
}

/** The time the connection was open for frames, or undefined if it never opened. */
export function openPeriod(facts: ConnectionFacts, now?: number): OpenPeriod | undefined {
  const startT = openedT(facts);
  if (startT === undefined) return undefined;
  const candidates: number[] = [];
  const close = facts.closeFrames[0];
  if (close) candidates.push(close.t);
  const tcpEnd = facts.tcp.find((e) => e.kind !== 'connect' && e.t >= startT);
  if (tcpEnd) candidates.push(tcpEnd.t);
  const error = facts.errors.find((e) => e.t >= startT);
  if (error) candidates.push(error.t);
  if (facts.end) candidates.push(facts.end.t);
  if (candidates.length > 0)
    return { startT, endT: Math.max(startT, minOf(candidates) ?? startT), ongoing: false };
  return { startT, endT: Math.max(startT, now ?? facts.lastT), ongoing: true };
}

const gapCache = new WeakMap<ConnectionFacts, Map<number | undefined, readonly SilentGap[]>>();

/**
 * Gaps between frames (and from the upgrade to the first frame, and from the last frame to the end) in the open
 * period. Several rules ask for them: computed once per facts and `now` (the result is shared, never mutate it).
 */
export function gapsInFacts(facts: ConnectionFacts, now?: number): readonly SilentGap[] {
  let byNow = gapCache.get(facts);
  if (!byNow) gapCache.set(facts, (byNow = new Map<number | undefined, readonly SilentGap[]>()));
  let gaps = byNow.get(now);
  if (!gaps) byNow.set(now, (gaps = computeGaps(facts, now)));
  return gaps;
}

function computeGaps(facts: ConnectionFacts, now?: number): SilentGap[] {
  const gaps: SilentGap[] = [];
  forEachGap(facts, now, (gap) => gaps.push(gap));
  return gaps;
}

/** Calls `visit` with each gap in order (see gapsInFacts), keeping none of them. */
function forEachGap(facts: ConnectionFacts, now: number | undefined, visit: (gap: SilentGap) => void): void {
  const period = openPeriod(facts, now);
  if (!period) return;
  let cursor = period.startT;
  let afterSeq: number | undefined;
  let count = 0;
  for (const f of facts.frames) {
    if (f.t < period.startT) continue;
    if (f.t > period.endT) break;
    visit({
      startT: cursor,
      endT: f.t,
      durationMs: f.t - cursor,
      beforeSeq: f.frame.seq,
      afterSeq,
      final: false,
    });
    count++;
    cursor = f.t;
    afterSeq = f.frame.seq;
  }
  if (period.ongoing || cursor < period.endT || count === 0) {
    visit({ startT: cursor, endT: period.endT, durationMs: period.endT - cursor, afterSeq, final: true });
  }
}

export interface GapSummary {
  /** The first of the longest gaps (as `longestGap`). */
  longest?: SilentGap;
  /** The gaps longer than the threshold, in order. */
  over: SilentGap[];
}

/**
 * The longest gap and the gaps over `thresholdMs` (of gapsInFacts' list), keeping no other gap: a connection of
 * millions of frames has as many gaps, which the analysis does not need.
 */
export function summarizeGaps(
  facts: ConnectionFacts,
  now: number | undefined,
  thresholdMs: number,
): GapSummary {
  const summary: GapSummary = { over: [] };
  forEachGap(facts, now, (gap) => {
    if (!summary.longest || gap.durationMs > summary.longest.durationMs) summary.longest = gap;
    if (gap.durationMs > thresholdMs) summary.over.push(gap);
  });
  return summary;
}

export interface SilentGapOptions {
  /** Only report gaps at least this long. Default 0 (all gaps). */
  minMs?: number;
  /** Current session time for a connection that is still open. Default: the last event's t. */
  now?: number;
}

/** Silent gaps of one connection's events, for the timeline. Linear in the number of events. */
export function findSilentGaps(events: readonly CaptureEvent[], options: SilentGapOptions = {}): SilentGap[] {
  const id = events[0]?.conn ?? '';
  const minMs = options.minMs ?? 0;
  return gapsInFacts(collectFacts(id, events), options.now).filter((g) => g.durationMs >= minMs);
}

export function longestGap(gaps: readonly SilentGap[]): SilentGap | undefined {
  let best: SilentGap | undefined;
  for (const g of gaps) if (!best || g.durationMs > best.durationMs) best = g;
  return best;
}

/** Time since the last frame sent before `atT` in each direction (from the upgrade if none was sent). */
export function silenceByDirection(facts: ConnectionFacts, atT: number): Record<Direction, number> {
  const start = openedT(facts) ?? facts.firstT;
  const last: Record<Direction, number> = { c2s: start, s2c: start };
  for (const f of facts.frames) {
    if (f.t >= atT) break;
    last[f.frame.dir] = f.t;
  }
  return { c2s: atT - last.c2s, s2c: atT - last.s2c };
}
