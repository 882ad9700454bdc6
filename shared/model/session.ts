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
  /** Present when the records were imported from another format (a HAR): what that format could not hold. */
  imported?: SessionImport;
  /** Present when the session was redacted for sharing: the rules applied and how many values each replaced. */
  redaction?: RedactionSummary;
}

/**
 * Facts a source format does not hold; the records lack them and nothing stands in for them:
 * `frames` (only whole messages: no frame records, FIN/RSV/mask bits, wire sizes or compression),
 * `close` (no close frames: how and by whom the connection ended), `tcp` (no TCP connect/FIN/RST),
 * `tls` (no negotiated TLS), `raw-heads` (headers only, not the bytes of the HTTP heads),
 * `accept` (the Sec-WebSocket-Accept check was not made), `messages` (the source has no WebSocket messages at all).
 */
export type UnknownFact = 'frames' | 'close' | 'tcp' | 'tls' | 'raw-heads' | 'accept' | 'messages';

export interface SessionImport {
  format: 'har';
  /** The tool that wrote the source, e.g. "Chrome (WebInspector)", "Firefox", "HTTP Toolkit", "wsi". */
  creator: string;
  unknown: UnknownFact[];
  /** Entries of the source that are not WebSocket connections, skipped. */
  skippedEntries: number;
}

export interface RedactionRuleCount {
  /** The rule as written: `header:Authorization`, `query:token`, `json:password`, `json:$.user.pin`, `regex:...`. */
  rule: string;
  /** Values it replaced (see docs/session-format.md for what is counted). */
  replaced: number;
}

export interface RedactionSummary {
  rules: RedactionRuleCount[];
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
