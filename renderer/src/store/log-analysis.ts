import { AnalysisStream } from '../../../shared/analysis/analysis-stream.js';
import type { DecoderChoiceId } from '../../../shared/decoders/types.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { SessionAnalysis } from '../../../shared/model/finding.js';
import type { SessionHeader } from '../../../shared/model/session.js';
import type { ConnectionLog } from './hot-log.js';

export interface LogAnalysisRequest {
  conn: string;
  startedAt: number;
  imported?: SessionHeader['imported'];
  /** The decoder the user chose for this connection, if any. */
  decoder?: DecoderChoiceId;
  /** Live: the session time now. Otherwise `recordingEnded` says whether the recording is over. */
  now?: number;
  recordingEnded: boolean;
}

interface Fed {
  stream: AnalysisStream;
  decoder: DecoderChoiceId | undefined;
  /** Records of the log pushed so far. */
  fed: number;
  /** The last answer and what it was asked with: the list's badge and the open panel ask the same. */
  last?: {
    fed: number;
    now: number | undefined;
    ended: boolean;
    startedAt: number;
    imported: unknown;
    result: SessionAnalysis;
    /** How long working it out took, and when it was done (performance.now()). */
    cost: number;
    at: number;
  };
}

const streams = new WeakMap<ConnectionLog, Fed>();

/** A live analysis that took longer than this is reused, for this many times as long as it took. */
const SLOW_ANALYSIS_MS = 50;
const SLOW_ANALYSIS_REUSE = 20;

/**
 * Feeds a record the log has just appended to the log's analysis while it is still the object that arrived, if that
 * analysis has been asked for and is up to date. Otherwise the next `analyzeLog` rebuilds the record from the columns,
 * which for a live flood cost more than analysing it.
 */
export function feedAppended(log: ConnectionLog, event: CaptureEvent): void {
  const entry = streams.get(log);
  if (!entry || entry.fed !== log.events.length - 1) return;
  entry.stream.push(event);
  entry.fed++;
}

/**
 * shared/analysis over one connection's log, kept up to date incrementally: each call pushes only the records added
 * since the last one (the log only grows), so a live connection's findings cost O(new records), not O(all records)
 * rebuilt on every re-analysis; asked again with nothing new, it answers from the last time. Equal to `analyzeSession`
 * over the whole log.
 */
export function analyzeLog(log: ConnectionLog, request: LogAnalysisRequest): SessionAnalysis {
  let entry = streams.get(log);
  if (!entry || entry.decoder !== request.decoder) {
    const options = request.decoder ? { decoders: { [request.conn]: request.decoder } } : {};
    entry = { stream: new AnalysisStream(options), decoder: request.decoder, fed: 0 };
    streams.set(log, entry);
  }
  const total = log.events.length;
  for (const event of log.events.range(entry.fed, total)) entry.stream.push(event);
  entry.fed = total;
  const { now, recordingEnded: ended, startedAt, imported } = request;
  const last = entry.last;
  const sameQuestion =
    last !== undefined && last.ended === ended && last.startedAt === startedAt && last.imported === imported;
  if (sameQuestion && last.fed === total && last.now === now) return last.result;
  // A live connection of hundreds of thousands of records: its findings take long to work out, and working them out
  // again on every tick of the clock would hold up the page that often. The last ones stand for a while instead.
  const startedAtMs = performance.now();
  if (
    sameQuestion &&
    now !== undefined &&
    last.cost > SLOW_ANALYSIS_MS &&
    startedAtMs - last.at < last.cost * SLOW_ANALYSIS_REUSE
  )
    return last.result;
  const result = entry.stream.result(
    { startedAt: request.startedAt, ...(request.imported ? { imported: request.imported } : {}) },
    request.now !== undefined ? { now: request.now } : { recordingEnded: request.recordingEnded },
  );
  const at = performance.now();
  entry.last = { fed: total, now, ended, startedAt, imported, result, cost: at - startedAtMs, at };
  return result;
}
