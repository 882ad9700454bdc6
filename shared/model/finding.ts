import type { ConnectionId } from './events.js';
import type { TlsSummary } from './handshake.js';
import type { UnknownFact } from './session.js';
import type { EpochMs } from './time.js';

export type Severity = 'error' | 'warning' | 'info';

/** A pointer to the records that show a finding: frame seqs, or event indices within the connection's events. */
export interface EvidenceRef {
  kind: 'frame' | 'event' | 'handshake';
  /** Frame seq for 'frame'; index into the connection's events for 'event'/'handshake'. */
  ref: number;
  note?: string;
}

export interface Finding {
  /** Stable identifier, e.g. "handshake.http10". Documented in docs/findings.md. */
  id: string;
  connection: ConnectionId;
  severity: Severity;
  title: string;
  /** What was measured, with numbers. */
  detail: string;
  evidence: EvidenceRef[];
  /** How to fix it. */
  fix: string;
}

/** 'inspector': the inspector's own proxy ended the connection on purpose (fault injection). */
export type CloseInitiator = 'client' | 'server' | 'unknown' | 'inspector';
export type CloseKind = 'close-frame' | 'tcp-fin' | 'tcp-rst' | 'timeout' | 'error' | 'open';

/** The per-connection summary printed by `wsi analyze --json` (field names are a public contract). */
export interface ConnectionSummary {
  id: ConnectionId;
  url: string;
  status: number | null;
  httpVersion: string | null;
  openedAt: EpochMs;
  closedAt: EpochMs | null;
  closeInitiator: CloseInitiator;
  closeKind: CloseKind;
  closeCode: number | null;
  closeReason: string | null;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  maxSilenceMs: number;
  /** Close code a browser's CloseEvent would report (1005 / 1006 included); null while open. */
  browserCloseCode?: number | null;
  /** Whether both close frames were exchanged. */
  closingHandshakeComplete?: boolean;
  /** TLS of the leg to the server (wss://): the client's own, or the proxy's upstream leg. */
  tls?: TlsSummary;
  /**
   * The recording ends without this connection's `end` record (the recorder was killed): wall time of its last record,
   * after which nothing is known. Only when the analysis was told the recording is over.
   */
  cutAt?: EpochMs;
}

/** For a session imported from a HAR: what the source did not hold and which findings could not be checked. */
export interface ImportedAnalysis {
  creator: string;
  unknown: UnknownFact[];
  /** Finding ids the analyzer could not check for lack of those facts (none of them is reported). */
  unchecked: string[];
  /** One sentence for the report and the Findings tab. */
  notice: string;
}

export interface SessionAnalysis {
  connections: ConnectionSummary[];
  findings: Finding[];
  imported?: ImportedAnalysis;
}
