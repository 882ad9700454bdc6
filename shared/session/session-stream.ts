import type { CaptureEvent } from '../model/events.js';
import type { SessionHeader, SessionReadProblem } from '../model/session.js';
import { checkEvent, parseJson, readHeader } from './record-checks.js';

/** What one `push` (or `end`) read: the header (only in the batch that contained it), records and problems. */
export interface SessionStreamBatch {
  header?: SessionHeader;
  events: CaptureEvent[];
  problems: SessionReadProblem[];
}

export interface SessionStreamParser {
  /** Feed the next piece of text; a line may span any number of pieces. */
  push(text: string): SessionStreamBatch;
  /** The input is complete: reads a last line without a newline (a truncated one is a problem, not an error). */
  end(): SessionStreamBatch;
  /** Lines seen so far (complete ones). */
  readonly lines: number;
}

/**
 * Reads a session file line by line: the first non-blank line as the header, every other one as a record. Whoever
 * splits the input into lines (text or bytes) feeds them here, so line numbers and problems are the same for both.
 */
export interface SessionLineReader {
  /** Reads the next line (its text without the "\n"); `isTruncatedTail` for a last line that had no newline. */
  read(rawLine: string, isTruncatedTail: boolean, out: SessionStreamBatch): void;
  /** Counts a record line that was read elsewhere (e.g. scanned as bytes straight into columns). */
  skip(): void;
  /** The input is complete: adds the problem of a file without a header. */
  finish(out: SessionStreamBatch): void;
  /** Whether the header line (or what stood in its place) has been read: later lines are records. */
  readonly pastHeader: boolean;
  /** Lines seen so far. */
  readonly lines: number;
}

export interface SessionLineReaderOptions {
  /**
   * The lines begin after the header, somewhere inside the file (one part of a file read in parts): every line is a
   * record and line numbers count from the part's first line.
   */
  afterHeader?: boolean;
}

export function createSessionLineReader(options: SessionLineReaderOptions = {}): SessionLineReader {
  let lineNumber = 0;
  let sawHeader = options.afterHeader === true;

  function read(rawLine: string, isTruncatedTail: boolean, out: SessionStreamBatch): void {
    lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const parsed = parseJson(line);

    if (!sawHeader) {
      sawHeader = true;
      if (!parsed.ok) {
        out.problems.push({ line: lineNumber, message: `header is not valid JSON (${parsed.error})` });
        return;
      }
      const { header, problem } = readHeader(parsed.value);
      if (problem) out.problems.push({ line: lineNumber, message: problem });
      if (header) {
        out.header = header;
        return;
      }
      // Not a header: maybe the header is missing and this is already a record.
      if (checkEvent(parsed.value) === undefined) out.events.push(parsed.value as CaptureEvent);
      return;
    }

    if (!parsed.ok) {
      out.problems.push({
        line: lineNumber,
        message: isTruncatedTail
          ? `last line is truncated (the file ends mid-record, e.g. the recorder was killed); ${line.length} bytes ignored`
          : `not valid JSON (${parsed.error}); line skipped`,
      });
      return;
    }
    const problem = checkEvent(parsed.value);
    if (problem) {
      out.problems.push({ line: lineNumber, message: `${problem}; line skipped` });
      return;
    }
    out.events.push(parsed.value as CaptureEvent);
  }

  return {
    read,
    skip() {
      lineNumber++;
    },
    finish(out) {
      if (!sawHeader) out.problems.push({ line: 1, message: 'the file is empty: no session header' });
    },
    get pastHeader() {
      return sawHeader;
    },
    get lines() {
      return lineNumber;
    },
  };
}

/**
 * Incremental session-file reader (JSON Lines), so a file never has to be one string. Never throws on bad input:
 * every readable record is returned, every problem names its line.
 */
export function createSessionStreamParser(): SessionStreamParser {
  // Text of the current, unfinished line, kept in pieces so a long line spanning many chunks is joined once.
  let partial: string[] = [];
  const lines = createSessionLineReader();
  let ended = false;

  return {
    get lines() {
      return lines.lines;
    },
    push(text) {
      if (ended) throw new Error('push after end');
      const out: SessionStreamBatch = { events: [], problems: [] };
      let start = 0;
      let newline = text.indexOf('\n');
      while (newline !== -1) {
        let line = text.slice(start, newline);
        if (partial.length > 0) {
          partial.push(line);
          line = partial.join('');
          partial = [];
        }
        lines.read(line, false, out);
        start = newline + 1;
        newline = text.indexOf('\n', start);
      }
      if (start < text.length) partial.push(text.slice(start));
      return out;
    },
    end() {
      const out: SessionStreamBatch = { events: [], problems: [] };
      if (ended) return out;
      ended = true;
      // Like splitting the whole text on "\n": the piece after the last newline is one more line, maybe empty.
      lines.read(partial.join(''), true, out);
      partial = [];
      lines.finish(out);
      return out;
    },
  };
}
