import type { SessionHeader, SessionReadResult } from '../model/session.js';
import { SESSION_FORMAT, SESSION_VERSION } from '../model/session.js';
import { createSessionStreamParser } from './session-stream.js';

/**
 * Read a session file (JSON Lines: header, then one record per line). Never throws: every line that can be read is
 * kept, and each problem (bad header, bad JSON, unknown record, a truncated last line) is reported with its line number.
 * For files too large for one string, use `createSessionStreamParser` directly.
 */
export function parseSession(text: string): SessionReadResult {
  const parser = createSessionStreamParser();
  const read = parser.push(text);
  const last = parser.end();
  const header: SessionHeader = read.header ??
    last.header ?? { format: SESSION_FORMAT, version: SESSION_VERSION, startedAt: 0, producer: 'unknown' };
  return {
    session: { header, events: [...read.events, ...last.events] },
    problems: [...read.problems, ...last.problems],
  };
}
