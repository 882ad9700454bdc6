import type { CaptureEvent } from '../../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem } from '../../../shared/model/session.js';
import type { PrecomputedAnalysis } from '../store/hot-log.js';
import type { FilePart } from './file-part.js';
import type { OpenItem } from './session-chunker.js';

/** Page -> session reader worker: read this file. */
export interface ReadSessionFile {
  type: 'read';
  file: Blob;
  /** What to do with the records: send them to the page, analyse them (reported with `done`), or both. */
  rows: boolean;
  analyse: boolean;
  /** Only the lines that begin in this part of the file (the whole file without it). */
  part?: FilePart;
}

/**
 * Page -> session reader worker: the first batch is on screen. A rows reader waits for it (a moment at most) before
 * reading on, so that the first rows' render has the CPU to itself.
 */
export interface FirstRowsShown {
  type: 'shown';
}

export type ToSessionReader = ReadSessionFile | FirstRowsShown;

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
      /** Lines read (of the part, when reading one). */
      lines: number;
      /** Whether the header line was among them (or the part began after it). */
      pastHeader: boolean;
      /** Per connection: shared/analysis of its records, as the Findings panel would compute it. */
      analyses: [CaptureEvent['conn'], PrecomputedAnalysis][];
    }
  | { type: 'failed'; message: string };
