import type { CaptureEvent } from '../model/events.js';
import type { Direction, Side } from '../model/wire.js';
import type { ConnectionFacts } from './connection-facts.js';
import { collectFacts } from './connection-facts.js';
import type { SilentGap } from './silence.js';
import { gapsInFacts, summarizeGaps } from './silence.js';
import { maxOf, minOf } from './format.js';
import { appPings, type AppPing } from './app-heartbeat.js';
import { analyzeProtocol } from './app-protocol.js';
import type { ProtocolAnalysis } from './app-protocol.js';
import type { DecoderChoiceId } from '../decoders/types.js';

const PING = 0x9;
const PONG = 0xa;

export interface PingRecord {
  seq: number;
  t: number;
  /** Which side sent the ping. */
  side: Side;
  pongSeq?: number;
  rttMs?: number;
}

export interface HeartbeatAnalysis {
  pings: PingRecord[];
  /** Pings never answered, excluding one still inside the grace period of an open connection. */
  unanswered: PingRecord[];
  /** Pongs that answered no ping (a one-way heartbeat, allowed by RFC 6455 §5.5.3). */
  unsolicitedPongs: number[];
  /** Median interval between pings of the side that pings most; undefined with fewer than two pings. */
  intervalMs?: number;
  /** Largest deviation of one interval from the median. */
  maxDriftMs?: number;
  rtt?: { minMs: number; medianMs: number; maxMs: number };
  gaps: readonly SilentGap[];
  largestGap?: SilentGap;
  /** Gaps longer than the threshold. */
  gapsOverThreshold: SilentGap[];
  thresholdMs: number;
  /** Application-level heartbeats (text messages by a known convention), when the connection has any. */
  app?: AppHeartbeat;
  /** The decoded application protocol (Socket.IO, GraphQL, MQTT, ...) with its request/response pairs. */
  protocol?: ProtocolAnalysis;
}

export interface AppHeartbeat {
  /** The convention of most of the pings, e.g. `JSON "type": "ping"`. */
  convention: string;
  pings: AppPing[];
  /**
   * Pings of a side whose other pings were answered, that got no reply: before the connection dropped, or more than
   * the grace period before a close frame or now. Empty when the peer never replies (the convention may be one-way).
   */
  unanswered: AppPing[];
  intervalMs?: number;
  rtt?: { minMs: number; medianMs: number; maxMs: number };
}

export interface HeartbeatOptions {
  /** Silence longer than this is reported. Default 30 s (half of the most common 60 s idle timeout). */
  gapThresholdMs?: number;
  /** A ping still unanswered this recently on an open connection is pending, not missing. Default 5 s. */
  pongGraceMs?: number;
  now?: number;
  /** The user's decoder choice for the connection (default: chosen by subprotocol, URL or content). */
  decoder?: DecoderChoiceId;
}

export const DEFAULT_GAP_THRESHOLD_MS = 30_000;

function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const sideOf = (dir: Direction): Side => (dir === 'c2s' ? 'client' : 'server');

/**
 * Pairs pings with pongs: a pong answers the oldest open ping from the other side with the same payload, else the
 * oldest open ping from the other side (some peers answer with an empty payload).
 */
export function analyzeHeartbeatFacts(
  facts: ConnectionFacts,
  options: HeartbeatOptions = {},
): HeartbeatAnalysis {
  const thresholdMs = options.gapThresholdMs ?? DEFAULT_GAP_THRESHOLD_MS;
  const graceMs = options.pongGraceMs ?? 5_000;
  const pings: PingRecord[] = [];
  const open: Record<Side, { ping: PingRecord; data: string }[]> = { client: [], server: [] };
  const unsolicitedPongs: number[] = [];
  for (const { frame, t } of facts.frames) {
    if (frame.opcode === PING) {
      const ping: PingRecord = { seq: frame.seq, t, side: sideOf(frame.dir) };
      pings.push(ping);
      open[ping.side].push({ ping, data: frame.data });
    } else if (frame.opcode === PONG) {
      const waiting = open[frame.dir === 'c2s' ? 'server' : 'client'];
      let at = waiting.findIndex((w) => w.data === frame.data);
      if (at < 0 && waiting.length > 0) at = 0;
      const match = at >= 0 ? waiting.splice(at, 1)[0] : undefined;
      if (match) {
        match.ping.pongSeq = frame.seq;
        match.ping.rttMs = t - match.ping.t;
      } else unsolicitedPongs.push(frame.seq);
    }
  }
  const ended = facts.end !== undefined || facts.tcp.some((e) => e.kind !== 'connect');
  const now = options.now ?? facts.lastT;
  const unanswered = pings.filter((p) => p.pongSeq === undefined && (ended || now - p.t > graceMs));

  const bySide = {
    client: pings.filter((p) => p.side === 'client'),
    server: pings.filter((p) => p.side === 'server'),
  };
  const pinger = bySide.client.length >= bySide.server.length ? bySide.client : bySide.server;
  const intervals = pinger.slice(1).map((p, i) => p.t - (pinger[i]?.t ?? p.t));
  const intervalMs = median(intervals);
  const rtts = pings.map((p) => p.rttMs).filter((r): r is number => r !== undefined);
  const { longest: largestGap, over } = summarizeGaps(facts, options.now, thresholdMs);

  const result: HeartbeatAnalysis = {
    pings,
    unanswered,
    unsolicitedPongs,
    // Every gap only when asked for (the timeline): the findings read the longest and those over the threshold.
    get gaps() {
      return gapsInFacts(facts, options.now);
    },
    gapsOverThreshold: over,
    thresholdMs,
  };
  if (intervalMs !== undefined) {
    result.intervalMs = intervalMs;
    result.maxDriftMs = maxOf(intervals.map((i) => Math.abs(i - intervalMs))) ?? 0;
  }
  if (rtts.length > 0) {
    result.rtt = { minMs: minOf(rtts) ?? 0, medianMs: median(rtts) ?? 0, maxMs: maxOf(rtts) ?? 0 };
  }
  if (largestGap) result.largestGap = largestGap;
  const protocol = analyzeProtocol(facts, {
    graceMs,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(options.decoder ? { override: options.decoder } : {}),
  });
  if (protocol) result.protocol = protocol;
  const app = appHeartbeat(facts, ended, now, graceMs, protocol);
  if (app) result.app = app;
  return result;
}

function appHeartbeat(
  facts: ConnectionFacts,
  ended: boolean,
  now: number,
  graceMs: number,
  protocol: ProtocolAnalysis | undefined,
): AppHeartbeat | undefined {
  // A decoded protocol's own heartbeats (MQTT PINGREQ, STOMP heart-beats, ...) replace the text conventions.
  const decoded = protocol?.heartbeats.map((h): AppPing => {
    const ping: AppPing = { seq: h.seq, t: h.t, side: h.side, convention: h.label };
    if (h.replySeq !== undefined) ping.replySeq = h.replySeq;
    if (h.latencyMs !== undefined) ping.rttMs = h.latencyMs;
    return ping;
  });
  const pings = decoded && decoded.length > 0 ? decoded : appPings(facts);
  if (pings.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const p of pings) counts.set(p.convention, (counts.get(p.convention) ?? 0) + 1);
  const convention = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const answered = new Set(pings.filter((p) => p.replySeq !== undefined).map((p) => p.side));
  // A ping just before a clean close had no time to be answered; before a drop, a missing reply is the signal.
  const close = facts.closeFrames[0];
  const dropped = ended && !close;
  const until = close?.t ?? now;
  const unanswered = pings.filter(
    (p) => p.replySeq === undefined && answered.has(p.side) && (dropped || until - p.t > graceMs),
  );
  const clientPings = pings.filter((p) => p.side === 'client').length;
  const pinger: Side = clientPings * 2 >= pings.length ? 'client' : 'server';
  const own = pings.filter((p) => p.side === pinger);
  const intervalMs = median(own.slice(1).map((p, i) => p.t - (own[i]?.t ?? p.t)));
  const rtts = pings.map((p) => p.rttMs).filter((r): r is number => r !== undefined);
  return {
    convention,
    pings,
    unanswered,
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(rtts.length > 0
      ? { rtt: { minMs: minOf(rtts) ?? 0, medianMs: median(rtts) ?? 0, maxMs: maxOf(rtts) ?? 0 } }
      : {}),
  };
}

/** Heartbeat analysis of one connection's events. */
export function analyzeHeartbeat(
  events: readonly CaptureEvent[],
  options: HeartbeatOptions = {},
): HeartbeatAnalysis {
  return analyzeHeartbeatFacts(collectFacts(events[0]?.conn ?? '', events), options);
}
