import type { CaptureEvent } from './events.js';
import type { EpochMs } from './time.js';

export const SESSION_FORMAT = 'wsi-session';
export const SESSION_VERSION = 1;

/** First line of a session file (JSON Lines). Every following line is one CaptureEvent. See docs/session-format.md. */
export interface SessionHeader {
  format: typeof SESSION_FORMAT;
  version: number;
  /** Wall clock at the session's monotonic origin (t = 0). */
  startedAt: EpochMs;
  /** What produced it, e.g. "wsi 0.1.0 (cli)". */
  producer: string;
}

export interface Session {
  header: SessionHeader;
  events: CaptureEvent[];
}

/** A problem found while reading a session file; what could be read is still returned. */
export interface SessionReadProblem {
  line: number;
  message: string;
}

export interface SessionReadResult {
  session: Session;
  problems: SessionReadProblem[];
}
