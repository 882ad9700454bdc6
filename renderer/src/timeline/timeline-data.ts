import { attributeCloseFacts } from '../../../shared/analysis/close-attribution.js';
import type { CloseAttribution } from '../../../shared/analysis/close-attribution.js';
import { collectFacts, openedT } from '../../../shared/analysis/connection-facts.js';
import { analyzeHeartbeatFacts } from '../../../shared/analysis/heartbeat.js';
import type { SilentGap } from '../../../shared/analysis/silence.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { DecoderChoiceId } from '../../../shared/decoders/types.js';
import type { Direction, Side } from '../../../shared/model/wire.js';
import type { FrameKind, LaneFrames } from './binning.js';
import { FRAME_KIND, laneBuilder } from './binning.js';

/** A ping with its pong; times relative to the timeline origin. */
export interface PingPair {
  seq: number;
  t: number;
  side: Side;
  pongT?: number;
  rttMs?: number;
  /** An application-level heartbeat: its convention (see docs/findings.md); absent for protocol pings. */
  app?: string;
  /** Counted as unanswered by the analyzer (application heartbeats only; protocol pings: no `rttMs`). */
  missing?: boolean;
  /** A decoded request and its response (Socket.IO ack, JSON-RPC id, ...), `app` naming it; not a heartbeat. */
  request?: boolean;
}

export interface CloseMarker {
  t: number;
  initiator: CloseAttribution['initiator'];
  kind: CloseAttribution['kind'];
  code: number | null;
  reason: string | null;
  label: string;
}

/** Everything one connection's timeline draws. Times are ms relative to `origin` (the connection record's t). */
export interface TimelineData {
  origin: number;
  openedAt?: number;
  /** Last recorded event (or `now` while open). */
  lastT: number;
  lanes: Record<Direction, LaneFrames>;
  pings: PingPair[];
  /** Silences between frames while open, longest last-drawn; from shared/analysis. */
  gaps: SilentGap[];
  close?: CloseMarker;
}

const frameKind = (opcode: number, violations: readonly string[] | undefined): FrameKind =>
  violations?.length ? FRAME_KIND.violation : opcode >= 8 ? FRAME_KIND.control : FRAME_KIND.data;

const HOW: Record<CloseAttribution['kind'], string> = {
  'close-frame': 'close frame',
  'tcp-fin': 'TCP FIN, no close frame',
  'tcp-rst': 'TCP reset, no close frame',
  timeout: 'timeout',
  error: 'error',
  open: 'open',
};

export function closeLabel(close: Pick<CloseMarker, 'initiator' | 'kind' | 'code' | 'reason'>): string {
  const who = close.initiator === 'unknown' ? 'closer unknown' : `closed by ${close.initiator}`;
  if (close.kind !== 'close-frame') return `${who} · ${HOW[close.kind]}`;
  const code = close.code === null ? 'no code' : String(close.code);
  return `${who} · close frame ${code}${close.reason ? ` “${close.reason}”` : ''}`;
}

/**
 * Derives the timeline of one connection with shared/analysis (one facts pass feeds heartbeat pairing, silent
 * gaps and close attribution). `now` is the session time for a connection still open.
 */
export function deriveTimeline(
  events: readonly CaptureEvent[],
  now?: number,
  decoder?: DecoderChoiceId,
): TimelineData {
  const first = events[0];
  const facts = collectFacts(first?.conn ?? '', events);
  const origin = facts.connection?.t ?? facts.firstT;
  const lanes = { c2s: laneBuilder(), s2c: laneBuilder() };
  for (const { frame, t } of facts.frames) {
    lanes[frame.dir].push(t - origin, frameKind(frame.opcode, frame.violations), frame.seq, frame.opcode);
  }
  const heartbeat = analyzeHeartbeatFacts(facts, {
    ...(now === undefined ? {} : { now }),
    ...(decoder ? { decoder } : {}),
  });
  const pongT = new Map<number, number>();
  for (const { frame, t } of facts.frames) if (frame.opcode === 0xa) pongT.set(frame.seq, t);
  const replyT = new Map<number, number>();
  const app = heartbeat.app;
  if (app)
    for (const p of app.pings) if (p.replySeq !== undefined) replyT.set(p.replySeq, p.t + (p.rttMs ?? 0));
  const missing = new Set(app?.unanswered.map((p) => p.seq));
  const pings = heartbeat.pings.map((p): PingPair => {
    const pair: PingPair = { seq: p.seq, t: p.t - origin, side: p.side };
    const answered = p.pongSeq === undefined ? undefined : pongT.get(p.pongSeq);
    if (answered !== undefined) pair.pongT = answered - origin;
    if (p.rttMs !== undefined) pair.rttMs = p.rttMs;
    return pair;
  });
  for (const p of app?.pings ?? []) {
    const pair: PingPair = { seq: p.seq, t: p.t - origin, side: p.side, app: p.convention };
    const answered = p.replySeq === undefined ? undefined : replyT.get(p.replySeq);
    if (answered !== undefined) pair.pongT = answered - origin;
    if (p.rttMs !== undefined) pair.rttMs = p.rttMs;
    if (missing.has(p.seq)) pair.missing = true;
    pings.push(pair);
  }
  const protocol = heartbeat.protocol;
  const unansweredRequests = new Set(protocol?.unansweredRequests);
  for (const r of protocol?.requests ?? []) {
    const pair: PingPair = { seq: r.seq, t: r.t - origin, side: r.side, app: r.label, request: true };
    if (r.replyT !== undefined) pair.pongT = r.replyT - origin;
    if (r.latencyMs !== undefined) pair.rttMs = r.latencyMs;
    if (unansweredRequests.has(r)) pair.missing = true;
    pings.push(pair);
  }
  if (app || protocol) pings.sort((a, b) => a.t - b.t);
  const gaps = heartbeat.gaps.map((g) => ({
    ...g,
    startT: g.startT - origin,
    endT: g.endT - origin,
  }));
  const attribution = attributeCloseFacts(facts);
  const opened = openedT(facts);
  const data: TimelineData = {
    origin,
    lastT: Math.max(facts.lastT, now ?? facts.lastT) - origin,
    lanes: { c2s: lanes.c2s.finish(), s2c: lanes.s2c.finish() },
    pings,
    gaps,
  };
  if (opened !== undefined) data.openedAt = opened - origin;
  if (attribution.kind !== 'open' && attribution.endedT !== undefined) {
    const marker = {
      t: attribution.endedT - origin,
      initiator: attribution.initiator,
      kind: attribution.kind,
      code: attribution.firstClose?.code ?? null,
      reason: attribution.firstClose?.reason ?? null,
    };
    data.close = { ...marker, label: closeLabel(marker) };
  }
  return data;
}

/** Gaps that overlap [start, end] and are at least `minWidthPx` wide at `pxPerMs`: what is worth shading. */
export function visibleGaps(
  gaps: readonly SilentGap[],
  start: number,
  end: number,
  pxPerMs: number,
  minWidthPx: number,
): SilentGap[] {
  return gaps.filter((g) => g.endT >= start && g.startT <= end && g.durationMs * pxPerMs >= minWidthPx);
}
