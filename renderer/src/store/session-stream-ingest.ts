import type { SessionReadProblem } from '../../../shared/model/session.js';
import { createSessionStreamParser } from '../../../shared/session/index.js';
import type { SessionStreamBatch } from '../../../shared/session/index.js';
import type { Ingest } from './ingest.js';
import type { ConnKey, SourceId } from './keys.js';
import type { SourceInfo } from './slices/data-slice.js';

export interface SessionStreamProgress {
  events: number;
  problems: number;
  /** Bytes of the file read so far, where the reader knows it. */
  bytesRead?: number;
  /** Every record is in; the findings are being worked out (a file read in workers). */
  analysing?: boolean;
}

export interface SessionStreamOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SessionStreamProgress) => void;
}

export interface SessionStreamOutcome {
  status: 'done' | 'cancelled' | 'failed';
  events: number;
  problems: SessionReadProblem[];
}

/** What the streaming open needs from the store; create-store.ts supplies it. */
export interface SessionStreamTarget {
  ingest: Ingest;
  nextSourceId(): SourceId;
  putSource(info: SourceInfo): void;
  removeSource(source: SourceId): void;
  connectionsOf(source: SourceId): ConnKey[];
  select(key: ConnKey): void;
  notify(kind: 'info' | 'error', text: string): void;
}

/**
 * Applying a huge backlog in one animation frame would freeze the page; beyond this many queued events the reader
 * flushes itself and gives the browser a frame to paint.
 */
const MAX_QUEUED_EVENTS = 20_000;

const nextFrame = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => resolve());
    else setTimeout(resolve, 0);
  });

/** A session file's source while it is being read: read-only, labelled with the file's name. */
export const loadingSource = (id: SourceId, name: string): SourceInfo => ({
  id,
  label: name,
  readOnly: true,
  startedAt: 0,
  problems: [],
  loading: true,
});

/**
 * Open a session file read-only from a stream of its text, in batches, so no single string ever holds the file.
 * The result is the same as `openSession`'s: one source per file, labelled with its name, problems with line numbers.
 */
export async function ingestSessionStream(
  target: SessionStreamTarget,
  name: string,
  chunks: ReadableStream<string>,
  options: SessionStreamOptions = {},
): Promise<SessionStreamOutcome> {
  const source = target.nextSourceId();
  const info = loadingSource(source, name);
  const finished = (): void => target.putSource({ ...info, problems: [...problems], loading: false });
  const problems: SessionReadProblem[] = [];
  const parser = createSessionStreamParser();
  const reader = chunks.getReader();
  let events = 0;
  let queued = 0;
  let selectedFirst = false;
  target.putSource(info);

  const accept = async (batch: SessionStreamBatch): Promise<void> => {
    if (batch.header) {
      info.startedAt = batch.header.startedAt;
      if (batch.header.imported) info.imported = batch.header.imported;
      target.putSource({ ...info, problems: [...problems] });
    }
    if (batch.problems.length) {
      problems.push(...batch.problems);
      target.putSource({ ...info, problems: [...problems] });
    }
    if (batch.events.length === 0) return;
    target.ingest.push(source, batch.events);
    events += batch.events.length;
    queued += batch.events.length;
    if (queued >= MAX_QUEUED_EVENTS) {
      target.ingest.flush();
      queued = 0;
      selectFirst();
      await nextFrame();
    }
  };
  const selectFirst = (): void => {
    if (selectedFirst) return;
    const first = target.connectionsOf(source)[0];
    if (first) {
      selectedFirst = true;
      target.select(first);
    }
  };

  try {
    for (;;) {
      if (options.signal?.aborted) {
        await reader.cancel().catch(() => undefined);
        target.removeSource(source);
        return { status: 'cancelled', events, problems };
      }
      const { done, value } = await reader.read();
      if (done) break;
      await accept(parser.push(value));
      options.onProgress?.({ events, problems: problems.length });
    }
    await accept(parser.end());
  } catch (error) {
    target.ingest.flush();
    finished();
    target.notify(
      'error',
      `Opening ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return { status: 'failed', events, problems };
  } finally {
    reader.releaseLock();
  }
  target.ingest.flush();
  finished();
  selectFirst();
  options.onProgress?.({ events, problems: problems.length });
  if (events === 0) target.notify('info', `${name} contains no records.`);
  else if (problems.length) target.notify('error', `${name}: ${problems.length} line(s) could not be read.`);
  return { status: 'done', events, problems };
}
