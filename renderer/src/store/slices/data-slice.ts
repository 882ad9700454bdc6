import type { SessionImport, SessionReadProblem } from '../../../../shared/model/session.js';
import type { ConnectionView } from '../connection-view.js';
import type { ConnKey, SourceId } from '../keys.js';

export interface SourceInfo {
  id: SourceId;
  /** "Live" or the session file's name. */
  label: string;
  readOnly: boolean;
  /** Wall clock at t = 0 of this source. */
  startedAt: number;
  problems: SessionReadProblem[];
  /** A session file still streaming in: whole-log work (analysis) waits until it is complete. */
  loading?: boolean;
  /** Imported from a HAR: what it did not hold (the analysis says which findings it could not check). */
  imported?: SessionImport;
}

/** Reactive summaries only; frames and messages stay in the HotLog. Written exclusively by the ingest. */
export interface DataSlice {
  sources: Record<SourceId, SourceInfo>;
  connectionOrder: ConnKey[];
  connections: Record<ConnKey, ConnectionView>;
  /** Bumped whenever a connection's log grows; derived views are memoised on it. */
  revisions: Record<ConnKey, number>;
  /** Bumped on every flush. */
  revision: number;
}

export const initialDataSlice = (): DataSlice => ({
  sources: {},
  connectionOrder: [],
  connections: {},
  revisions: {},
  revision: 0,
});
