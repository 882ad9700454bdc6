import type { CaptureEvent } from '../../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem } from '../../../shared/model/session.js';
import type { PrecomputedAnalysis } from '../store/hot-log.js';
import type { OpenItem } from './session-chunker.js';

/** Page -> session reader worker: read this file. */
export interface ToSessionReader {
  file: Blob;
  /** What to do with the records: send them to the page, analyse them (reported with `done`), or both. */
  rows: boolean;
  analyse: boolean;
}

/** Session reader worker -> page. */
export type FromSessionReader =
  | {
      type: 'batch';
      bytesRead: number;
      header?: SessionHeader;
      items: OpenItem[];
      problems: SessionReadProblem[];
    }
  | {
      type: 'done';
      bytesRead: number;
      /** Per connection: shared/analysis of its records, as the Findings panel would compute it. */
      analyses: [CaptureEvent['conn'], PrecomputedAnalysis][];
    }
  | { type: 'failed'; message: string };
