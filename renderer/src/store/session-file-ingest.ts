import type { SessionReadProblem } from '../../../shared/model/session.js';
import type { FromSessionReader, ToSessionReader } from '../session/open-protocol.js';
import type { ConnectionId } from '../../../shared/model/events.js';
import type { ColumnChunk } from './columnar-log.js';
import type { PrecomputedAnalysis } from './hot-log.js';
import { loadingSource } from './session-stream-ingest.js';
import type {
  SessionStreamOptions,
  SessionStreamOutcome,
  SessionStreamTarget,
} from './session-stream-ingest.js';

export interface SessionFileTarget extends SessionStreamTarget {
  setAnalysis(source: string, conn: ConnectionId, analysis: PrecomputedAnalysis): void;
  /** The file was read whole: its logs will not grow (their spare capacity can go). */
  sealSource(source: string): void;
}

/**
 * How many entries a connection will likely have once the file is read, assuming its records keep their share of the
 * bytes: lets a large connection's columns be sized once. Small chunks get no estimate (a connection that ended early
 * in the file would be overestimated many times over, and growing small columns costs little).
 */
export function expectedEntries(chunk: ColumnChunk, fileSize: number, bytesRead: number): number {
  if (chunk.count < 4096 || bytesRead <= 0 || bytesRead >= fileSize) return 0;
  return Math.ceil(((chunk.start + chunk.count) * fileSize) / bytesRead);
}

/** Runs `then` once the page has painted what it holds now (a timer where there are no animation frames). */
function afterNextPaint(then: () => void): void {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(then, 0));
  else setTimeout(then, 0);
}

/** True where a session file can be read in a worker (every current browser and Electron). */
export const canReadInWorker = (): boolean =>
  typeof Worker === 'function' && typeof Blob !== 'undefined' && typeof Blob.prototype.stream === 'function';

const newReaderWorker = (): Worker =>
  new Worker(new URL('../session/session-reader-worker.ts', import.meta.url), { type: 'module' });

/** Readers already started (script loaded and compiled): opening a file then does not wait ~150 ms for one. */
const spareReaders: Worker[] = [];
const readerWorker = (): Worker => spareReaders.shift() ?? newReaderWorker();

/** Starts the two readers the next file will use, if they are not waiting already (the page calls it at start). */
export function prepareSessionReaders(): void {
  if (!canReadInWorker()) return;
  while (spareReaders.length < 2) spareReaders.push(newReaderWorker());
}

/**
 * Open a session file read-only with workers reading, validating and analysing it (session-reader-worker.ts): the
 * page only adopts the batches of columns one sends, so it stays responsive however large the file. Same result as
 * `ingestSessionStream`: one source labelled with the file's name, problems with line numbers, and each connection's
 * findings (from the other worker) ready when the file is read. Aborting the signal ends the workers and removes
 * what was read.
 */
export function ingestSessionFile(
  target: SessionFileTarget,
  file: File,
  options: SessionStreamOptions = {},
  createWorker: () => Worker = readerWorker,
): Promise<SessionStreamOutcome> {
  const name = file.name;
  const source = target.nextSourceId();
  const info = loadingSource(source, name);
  const problems: SessionReadProblem[] = [];
  let events = 0;
  let selectedFirst = false;
  target.putSource(info);
  // One worker sends the rows, another analyses the same file meanwhile (the rows do not wait for the findings).
  const worker = createWorker();
  const analyser = createWorker();
  let rowsRead = false;
  let analyses: [ConnectionId, PrecomputedAnalysis][] | null = null;

  const selectFirst = (): void => {
    if (selectedFirst) return;
    target.ingest.flush();
    const first = target.connectionsOf(source)[0];
    if (first) {
      selectedFirst = true;
      target.select(first);
    }
  };

  return new Promise<SessionStreamOutcome>((resolve) => {
    const finish = (outcome: SessionStreamOutcome): void => {
      worker.terminate();
      analyser.terminate();
      if (createWorker === readerWorker) setTimeout(prepareSessionReaders, 1000);
      options.signal?.removeEventListener('abort', cancel);
      resolve(outcome);
    };
    const cancel = (): void => {
      target.removeSource(source);
      finish({ status: 'cancelled', events, problems });
    };
    const fail = (message: string): void => {
      target.ingest.flush();
      target.putSource({ ...info, problems: [...problems], loading: false });
      target.notify('error', `Opening ${name} failed: ${message}`);
      finish({ status: 'failed', events, problems });
    };
    /** Once the rows are in and the analysis is back (or failed: the page then analyses when asked). */
    const complete = (): void => {
      if (!rowsRead || !analyses) return;
      for (const [conn, analysis] of analyses) target.setAnalysis(source, conn, analysis);
      target.sealSource(source);
      target.putSource({ ...info, problems: [...problems], loading: false });
      selectFirst();
      if (events === 0) target.notify('info', `${name} contains no records.`);
      else if (problems.length)
        target.notify('error', `${name}: ${problems.length} line(s) could not be read.`);
      finish({ status: 'done', events, problems });
    };
    if (options.signal?.aborted) return cancel();
    options.signal?.addEventListener('abort', cancel);

    worker.onerror = (event) => {
      event.preventDefault();
      fail(event.message || 'the reader stopped');
    };
    analyser.onerror = (event) => {
      event.preventDefault();
      analyses = [];
      complete();
    };
    analyser.onmessage = ({ data }: MessageEvent<FromSessionReader>) => {
      if (data.type === 'batch') return;
      analyses = data.type === 'done' ? data.analyses : [];
      complete();
    };
    worker.onmessage = ({ data }: MessageEvent<FromSessionReader>) => {
      if (data.type === 'failed') return fail(data.message);
      if (data.type === 'done') {
        target.ingest.flush();
        rowsRead = true;
        // The findings come after the rows: both readers at once on two cores took as long in all, and the rows
        // came 4 s later for a million frames.
        analyser.postMessage({ type: 'read', file, rows: false, analyse: true } satisfies ToSessionReader);
        options.onProgress?.({
          events,
          problems: problems.length,
          bytesRead: data.bytesRead,
          analysing: !analyses,
        });
        return complete();
      }
      let changed = false;
      if (data.header) {
        info.startedAt = data.header.startedAt;
        if (data.header.imported) info.imported = data.header.imported;
        changed = true;
      }
      if (data.problems.length) {
        problems.push(...data.problems);
        changed = true;
      }
      if (changed) target.putSource({ ...info, problems: [...problems] });
      for (const item of data.items) {
        if ('chunk' in item) {
          target.ingest.pushChunk(source, item.chunk, expectedEntries(item.chunk, file.size, data.bytesRead));
          events += item.chunk.count;
        } else {
          target.ingest.push(source, item.events);
          events += item.events.length;
        }
      }
      if (!selectedFirst && events > 0) {
        selectFirst();
        afterNextPaint(() => worker.postMessage({ type: 'shown' } satisfies ToSessionReader));
      }
      options.onProgress?.({ events, problems: problems.length, bytesRead: data.bytesRead });
    };
    worker.postMessage({ type: 'read', file, rows: true, analyse: false } satisfies ToSessionReader);
  });
}
