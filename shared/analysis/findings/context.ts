import type { EvidenceRef, Finding, Severity } from '../../model/finding.js';
import type { CloseAttribution } from '../close-attribution.js';
import type { ConnectionFacts } from '../connection-facts.js';
import type { HeartbeatAnalysis } from '../heartbeat.js';
import type { DecoderChoiceId } from '../../decoders/types.js';

/** Tunables of the analysis; every field has a documented default (docs/findings.md). */
export interface AnalysisOptions {
  /**
   * The idle timeout you expect on the path, in ms (`wsi analyze --idle-threshold`). Silences longer than half of it
   * are reported, and a drop after about this much silence is matched to it. Default: none (gaps over 30 s reported).
   */
  idleThresholdMs?: number;
  /** A handshake unanswered this long is reported while the connection is still waiting. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** A server TCP close this soon after the 101 counts as "right after the upgrade". Default 1 s. */
  closeAfterUpgradeMs?: number;
  /** Minimum final silence for a drop to be reported as an idle drop. Default 1 s. */
  minIdleDropMs?: number;
  /** Pong latency above this is reported. Default 1 s. */
  slowPongMs?: number;
  /** A reconnect storm is this many attempts to one URL ... Default 5. */
  reconnectAttempts?: number;
  /** ... within this window. Default 10 s. */
  reconnectWindowMs?: number;
  /** Current session time for live analysis of connections still open. Default: the last event's t. */
  now?: number;
  /**
   * The recording is over (a session file read afterwards): a connection without its `end` record was cut (the
   * recorder was killed) and is reported as `capture.cut`. Default false: live, such a connection is still running.
   */
  recordingEnded?: boolean;
  /** Per connection id: the decoder the user chose (default: by subprotocol, URL or content; see docs/decoders.md). */
  decoders?: Readonly<Record<string, DecoderChoiceId>>;
  /** A GraphQL `connection_init` unanswered this long is reported. Default 3 s. */
  graphqlInitTimeoutMs?: number;
}

export type ResolvedOptions = Required<Omit<AnalysisOptions, 'idleThresholdMs' | 'now' | 'decoders'>> &
  Pick<AnalysisOptions, 'idleThresholdMs' | 'now' | 'decoders'> & {
    gapThresholdMs: number;
    /** Wall clock at the session origin (the header's startedAt), for findings that name a time. */
    startedAt: number;
  };

export function resolveOptions(options: AnalysisOptions = {}, startedAt = 0): ResolvedOptions {
  const resolved: ResolvedOptions = {
    recordingEnded: options.recordingEnded ?? false,
    startedAt,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    closeAfterUpgradeMs: options.closeAfterUpgradeMs ?? 1_000,
    minIdleDropMs: options.minIdleDropMs ?? 1_000,
    slowPongMs: options.slowPongMs ?? 1_000,
    reconnectAttempts: options.reconnectAttempts ?? 5,
    reconnectWindowMs: options.reconnectWindowMs ?? 10_000,
    graphqlInitTimeoutMs: options.graphqlInitTimeoutMs ?? 3_000,
    gapThresholdMs: options.idleThresholdMs !== undefined ? options.idleThresholdMs / 2 : 30_000,
  };
  if (options.idleThresholdMs !== undefined) resolved.idleThresholdMs = options.idleThresholdMs;
  if (options.now !== undefined) resolved.now = options.now;
  if (options.decoders !== undefined) resolved.decoders = options.decoders;
  return resolved;
}

/** What every per-connection finding rule gets: facts computed once per connection. */
export interface ConnectionContext {
  facts: ConnectionFacts;
  close: CloseAttribution;
  heartbeat: HeartbeatAnalysis;
  options: ResolvedOptions;
}

export interface FindingInput {
  id: string;
  severity: Severity;
  title: string;
  detail: string;
  evidence: EvidenceRef[];
  fix: string;
}

export const makeFinding = (connection: string, input: FindingInput): Finding => ({
  id: input.id,
  connection,
  severity: input.severity,
  title: input.title,
  detail: input.detail,
  evidence: input.evidence,
  fix: input.fix,
});

export const eventRef = (index: number, note?: string): EvidenceRef =>
  note === undefined ? { kind: 'event', ref: index } : { kind: 'event', ref: index, note };
export const handshakeRef = (index: number, note?: string): EvidenceRef =>
  note === undefined ? { kind: 'handshake', ref: index } : { kind: 'handshake', ref: index, note };
export const frameRef = (seq: number, note?: string): EvidenceRef =>
  note === undefined ? { kind: 'frame', ref: seq } : { kind: 'frame', ref: seq, note };

export type ConnectionRule = (ctx: ConnectionContext) => FindingInput[];
