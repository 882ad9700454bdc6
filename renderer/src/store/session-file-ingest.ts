import type { SessionReadProblem } from '../../../shared/model/session.js';
import { splitFile } from '../session/file-part.js';
import type { FromSessionReader, ToSessionReader } from '../session/open-protocol.js';
import type { PartBatch } from '../session/part-joiner.js';
import { PartJoiner } from '../session/part-joiner.js';
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
  /** The rows are in the store (the findings may still be coming): work held back meanwhile can go on. */
  rowsRead?(): void;
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

/** Files from this size on have their rows read in parts at once, one reader per core. */
const SPLIT_BYTES = 32 << 20;

/** How many readers a file's rows get: one per core (the page's thread mostly waits), up to four. */
function rowReaders(fileSize: number): number {
  if (fileSize < SPLIT_BYTES) return 1;
  const cores = typeof navigator === 'object' ? (navigator.hardwareConcurrency ?? 2) : 2;
  return Math.min(4, Math.max(2, cores));
}

/** Readers already started (script loaded and compiled): opening a file then does not wait ~150 ms for one. */
const spareReaders: Worker[] = [];
const readerWorker = (): Worker => spareReaders.shift() ?? newReaderWorker();

/** Starts the readers a large file will use (its rows' and its analysis'), if they are not waiting already. */
export function prepareSessionReaders(): void {
  if (!canReadInWorker()) return;
  while (spareReaders.length < rowReaders(SPLIT_BYTES) + 1) spareReaders.push(newReaderWorker());
}

/**
 * Open a session file read-only with workers reading, validating and analysing it (session-reader-worker.ts): the
 * page only adopts the batches of columns they send, so it stays responsive however large the file. A large file's
 * rows are read in parts at once (one reader per core, joined in file order by PartJoiner); its findings come from
 * one more reader once the rows are in. Same result as `ingestSessionStream`: one source labelled with the file's
 * name, problems with line numbers, and each connection's findings ready when the file is read. Aborting the signal
 * ends the workers and removes what was read.
 */
export function ingestSessionFile(
  target: SessionFileTarget,
  file: File,
  options: SessionStreamOptions = {},
  createWorker: () => Worker = readerWorker,
): Promise<SessionStreamOutcome> {
  return readFile(target, file, options, createWorker, rowReaders(file.size));
}

function readFile(
  target: SessionFileTarget,
  file: File,
  options: SessionStreamOptions,
  createWorker: () => Worker,
  rowParts: number,
): Promise<SessionStreamOutcome> {
  const name = file.name;
  const source = target.nextSourceId();
  const info = loadingSource(source, name);
  const problems: SessionReadProblem[] = [];
  let events = 0;
  let selectedFirst = false;
  target.putSource(info);
  const parts = splitFile(file.size, rowParts);
  const joiner = new PartJoiner(parts.length);
  const readers = parts.map(() => createWorker());
  const partBytes = parts.map(() => 0);
  const bytesRead = (): number => partBytes.reduce((sum, bytes) => sum + bytes, 0);
  const analyser = createWorker();
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
    const stop = (): void => {
      target.rowsRead?.();
      for (const reader of readers) reader.terminate();
      analyser.terminate();
      if (createWorker === readerWorker) setTimeout(prepareSessionReaders, 1000);
      options.signal?.removeEventListener('abort', cancel);
    };
    const finish = (outcome: SessionStreamOutcome): void => {
      stop();
      resolve(outcome);
    };
    /** The parts could not be joined (see PartJoiner.misread): the file is read again, whole. */
    const readWhole = (): void => {
      stop();
      target.removeSource(source);
      resolve(readFile(target, file, options, createWorker, 1));
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
      if (!joiner.complete || !analyses) return;
      for (const [conn, analysis] of analyses) target.setAnalysis(source, conn, analysis);
      target.sealSource(source);
      target.putSource({ ...info, problems: [...problems], loading: false });
      selectFirst();
      if (events === 0) target.notify('info', `${name} contains no records.`);
      else if (problems.length)
        target.notify('error', `${name}: ${problems.length} line(s) could not be read.`);
      finish({ status: 'done', events, problems });
    };
    const progress = (analysing: boolean): void =>
      options.onProgress?.({ events, problems: problems.length, bytesRead: bytesRead(), analysing });
    const apply = (batch: PartBatch): void => {
      let changed = false;
      if (batch.header) {
        info.startedAt = batch.header.startedAt;
        if (batch.header.imported) info.imported = batch.header.imported;
        changed = true;
      }
      if (batch.problems.length) {
        problems.push(...batch.problems);
        changed = true;
      }
      if (changed) target.putSource({ ...info, problems: [...problems] });
      for (const item of batch.items) {
        if ('chunk' in item) {
          target.ingest.pushChunk(
            source,
            item.chunk,
            expectedEntries(item.chunk, file.size, batch.bytesRead),
          );
          events += item.chunk.count;
        } else {
          target.ingest.push(source, item.events);
          events += item.events.length;
        }
      }
      if (!selectedFirst && events > 0) {
        selectFirst();
        afterNextPaint(() => {
          for (const reader of readers) reader.postMessage({ type: 'shown' } satisfies ToSessionReader);
        });
      }
    };
    if (options.signal?.aborted) return cancel();
    options.signal?.addEventListener('abort', cancel);

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
    readers.forEach((reader, part) => {
      reader.onerror = (event) => {
        event.preventDefault();
        fail(event.message || 'the reader stopped');
      };
      reader.onmessage = ({ data }: MessageEvent<FromSessionReader>) => {
        if (data.type === 'failed') return fail(data.message);
        partBytes[part] = data.bytesRead;
        const ready = data.type === 'done' ? joiner.done(part, data) : joiner.batch(part, data);
        if (joiner.misread) return readWhole();
        for (const batch of ready) apply(batch);
        // Before the findings reader may start below (at once when the rows are already in the store): its
        // "analysing" progress is the last word.
        progress(false);
        // The findings come once the rows are in the store: reading both at once on two cores took as long in all,
        // and the rows came 4 s later for a million frames.
        if (data.type === 'done' && joiner.complete)
          target.ingest.afterApplied(() => {
            target.rowsRead?.();
            analyser.postMessage({
              type: 'read',
              file,
              rows: false,
              analyse: true,
            } satisfies ToSessionReader);
            progress(!analyses);
          });
        complete();
      };
      reader.postMessage({
        type: 'read',
        file,
        rows: true,
        analyse: false,
        ...(parts.length > 1 ? { part: parts[part]! } : {}),
      } satisfies ToSessionReader);
    });
  });
}
