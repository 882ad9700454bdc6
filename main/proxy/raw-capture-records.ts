import type { CaptureEvent } from '../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem, SessionReadResult } from '../../shared/model/session.js';
import { checkEvent } from '../../shared/session/record-checks.js';
import { createSessionHeader } from '../../shared/session/serialize.js';
import { openRawCapture } from '../capture/ring/raw-capture-file.js';
import { EntryRecorder } from './entry-recorder.js';

/** Entries read per batch: records reach the caller a batch at a time, so a capture of any size streams. */
const BATCH_ENTRIES = 4096;

export interface RawCaptureRecords {
  header: SessionHeader;
  /** Size of the capture file in bytes. */
  size: number;
  /** Bytes of the file read so far. */
  readonly position: number;
  /** The records, made anew batch by batch; the file is closed when the generator ends (or is returned from). */
  batches(): Generator<CaptureEvent[]>;
  /** Problems found (complete once `batches` is done): a cut file, connections without their end. */
  problems: SessionReadProblem[];
}

/**
 * The records of a raw capture file, made anew by today's parser from what the relay handed to recording, streamed.
 * A file cut short (a capture killed while writing) gives the records up to the cut, and says so; connections without
 * their `end` are named.
 */
export function streamRawCapture(path: string): RawCaptureRecords | { error: string } {
  const opened = openRawCapture(path);
  if (!opened.ok) return { error: opened.message };
  const { header, reader } = opened;
  const size = reader.fileSize();
  const problems: SessionReadProblem[] = [];
  let batch: CaptureEvent[] = [];
  let entries = 0;
  // Records made outside the capture (client connections) are stored as session-file lines.
  const line = (text: string): void => {
    try {
      const value: unknown = JSON.parse(text);
      const problem = checkEvent(value);
      if (problem === undefined) batch.push(value as CaptureEvent);
      else problems.push({ line: entries, message: problem });
    } catch {
      problems.push({ line: entries, message: 'a session line in the raw capture is not JSON' });
    }
  };
  const recorder = new EntryRecorder({ event: (event) => batch.push(event) }, { line });

  function* batches(): Generator<CaptureEvent[]> {
    let lastAt = 0;
    try {
      for (let next = reader.next(size); next; next = reader.next(size)) {
        entries++;
        lastAt = next.entry.at;
        recorder.process(next.entry);
        if (entries % BATCH_ENTRIES === 0 && batch.length > 0) {
          const out = batch;
          batch = [];
          yield out;
        }
      }
    } finally {
      reader.close();
    }
    if (batch.length > 0) {
      const out = batch;
      batch = [];
      yield out;
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
  }

  return {
    header: createSessionHeader(header.startedAt, header.createdBy),
    size,
    get position() {
      return reader.position;
    },
    batches,
    problems,
  };
}

/** All the records of a raw capture file at once (see `streamRawCapture`). */
export function recordsFromRawCapture(path: string): SessionReadResult | { error: string } {
  const stream = streamRawCapture(path);
  if ('error' in stream) return stream;
  const events: CaptureEvent[] = [];
  for (const batch of stream.batches()) for (const event of batch) events.push(event);
  return { session: { header: stream.header, events }, problems: stream.problems };
}
