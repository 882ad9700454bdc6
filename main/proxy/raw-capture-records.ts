import type { CaptureEvent } from '../../shared/model/events.js';
import type { SessionReadProblem, SessionReadResult } from '../../shared/model/session.js';
import { checkEvent } from '../../shared/session/record-checks.js';
import { createSessionHeader } from '../../shared/session/serialize.js';
import { openRawCapture } from '../capture/ring/raw-capture-file.js';
import { EntryRecorder } from './entry-recorder.js';

/**
 * The records of a raw capture file, made anew by today's parser from what the relay handed to recording. A file
 * cut short (a capture killed while writing) gives the records up to the cut, and says so; connections without
 * their `end` are named.
 */
export function recordsFromRawCapture(path: string): SessionReadResult | { error: string } {
  const opened = openRawCapture(path);
  if (!opened.ok) return { error: opened.message };
  const { header, reader } = opened;
  const events: CaptureEvent[] = [];
  const problems: SessionReadProblem[] = [];
  // Records made outside the capture (client connections) are stored as session-file lines.
  const line = (text: string): void => {
    try {
      const value: unknown = JSON.parse(text);
      const problem = checkEvent(value);
      if (problem === undefined) events.push(value as CaptureEvent);
      else problems.push({ line: entries, message: problem });
    } catch {
      problems.push({ line: entries, message: 'a session line in the raw capture is not JSON' });
    }
  };
  const recorder = new EntryRecorder({ event: (event) => events.push(event) }, { line });
  let entries = 0;
  let lastAt = 0;
  try {
    for (let next = reader.next(); next; next = reader.next()) {
      entries++;
      lastAt = next.entry.at;
      recorder.process(next.entry);
    }
  } finally {
    reader.close();
  }
  if (reader.cutBytes > 0)
    problems.push({
      line: entries + 1,
      message: `the raw capture ends inside entry ${entries + 1} (${reader.cutBytes} bytes cut): the capture was stopped while writing`,
    });
  const open = recorder.open;
  if (open.length > 0)
    problems.push({
      line: entries,
      message: `the raw capture was cut at ${lastAt.toFixed(1)} ms: ${open.length === 1 ? 'connection' : 'connections'} ${open.join(', ')} ${open.length === 1 ? 'has' : 'have'} no end`,
    });
  return {
    session: { header: createSessionHeader(header.startedAt, header.createdBy), events },
    problems,
  };
}
