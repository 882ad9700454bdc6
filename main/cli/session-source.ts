import { constants } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { looksLikeRawCapture } from '../capture/ring/raw-capture-file.js';
import { streamRawCapture } from '../proxy/raw-capture-records.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem } from '../../shared/model/session.js';
import { SESSION_FORMAT, SESSION_VERSION } from '../../shared/model/session.js';
import { importHar, isHarFile } from '../../shared/import/index.js';
import { createSessionStreamParser } from '../../shared/session/index.js';
import type { CommandIo } from './command.js';
import { describeReadError, reportHarImport } from './session-file.js';
import { createProgress, type ProgressMode, type ProgressStream } from './progress.js';

/** What a command does with the records of a file, as they are read. */
export interface SessionSink {
  /** Once, before the first records (or at the end of a readable file without records). */
  start(header: SessionHeader): void | Promise<void>;
  /** The next records, in file order. Reading waits for the returned promise (backpressure for writers). */
  records(batch: CaptureEvent[]): void | Promise<void>;
}

export interface StreamedSession {
  format: 'session' | 'har' | 'raw';
  header: SessionHeader;
  /** Records handed to the sink. */
  records: number;
  /** Problems listed on stderr. */
  problems: number;
}

export interface SourceOptions {
  progress?: ProgressMode;
  progressStream?: ProgressStream;
}

const CHUNK_BYTES = 64 * 1024;

const DEFAULT_HEADER: SessionHeader = {
  format: SESSION_FORMAT,
  version: SESSION_VERSION,
  startedAt: 0,
  producer: 'unknown',
};

async function filePrefix(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const prefix = Buffer.alloc(256);
    const { bytesRead } = await file.read(prefix, 0, prefix.length, 0);
    return prefix.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/**
 * Reads a session file, a raw capture (`wsi proxy --raw`) or a HAR, told apart by content, and hands its records to
 * `sink` batch by batch: a session file or raw capture is never held whole, so any size reads in bounded memory (a HAR
 * is one JSON document and is read whole, up to harReadLimit; a larger one is refused with a clear error). Problems in a damaged file are listed on stderr as they are found and
 * everything readable is passed on; null (after saying why) when nothing could be read. Progress on stderr for reading
 * that takes over 2 s (see createProgress).
 */
export async function streamSessionFile(
  path: string,
  command: string,
  io: CommandIo,
  sink: SessionSink,
  options: SourceOptions = {},
): Promise<StreamedSession | null> {
  let prefix: Buffer;
  let size: number;
  try {
    size = (await stat(path)).size;
    prefix = await filePrefix(path);
  } catch (error) {
    io.err(`wsi ${command}: cannot read ${path}: ${describeReadError(error)}`);
    return null;
  }
  const progress = createProgress(`wsi ${command}: ${path}`, size, {
    mode: options.progress ?? 'auto',
    ...(options.progressStream ? { stream: options.progressStream } : {}),
  });
  try {
    if (looksLikeRawCapture(prefix)) return await streamRaw(path, command, io, sink, progress);
    if (isHarFile(path, prefix.toString('utf8'))) return await readHar(path, size, command, io, sink);
    return await streamLines(path, command, io, sink, progress);
  } finally {
    progress.done();
  }
}

type Progress = ReturnType<typeof createProgress>;

function reportProblems(
  path: string,
  command: string,
  io: CommandIo,
  problems: readonly SessionReadProblem[],
): void {
  for (const p of problems) io.err(`wsi ${command}: ${path}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`);
}

/** The closing lines every format shares: nothing readable (null), or how many lines were skipped. */
function conclude(
  path: string,
  command: string,
  io: CommandIo,
  result: StreamedSession,
): StreamedSession | null {
  if (result.records === 0 && result.problems > 0) {
    io.err(`wsi ${command}: ${path} holds no readable session`);
    return null;
  }
  if (result.problems > 0 && result.format !== 'raw')
    io.err(
      `wsi ${command}: ${result.problems} line${result.problems === 1 ? '' : 's'} of ${path} skipped (listed above); ` +
        `using the other ${result.records} record${result.records === 1 ? '' : 's'}`,
    );
  return result;
}

async function streamLines(
  path: string,
  command: string,
  io: CommandIo,
  sink: SessionSink,
  progress: Progress,
): Promise<StreamedSession | null> {
  const parser = createSessionStreamParser();
  let header: SessionHeader | undefined;
  let started = false;
  let records = 0;
  let problems = 0;
  let readBytes = 0;
  const take = async (batch: ReturnType<typeof parser.push>): Promise<void> => {
    if (batch.header) header = batch.header;
    problems += batch.problems.length;
    reportProblems(path, command, io, batch.problems);
    if (batch.events.length === 0) return;
    if (!started) {
      started = true;
      await sink.start(header ?? DEFAULT_HEADER);
    }
    records += batch.events.length;
    await sink.records(batch.events);
  };
  try {
    const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
    stream.setEncoding('utf8');
    for await (const chunk of stream as AsyncIterable<string>) {
      readBytes += Buffer.byteLength(chunk);
      await take(parser.push(chunk));
      progress.update(readBytes, records);
    }
  } catch (error) {
    io.err(`wsi ${command}: cannot read ${path}: ${describeReadError(error)}`);
    return null;
  }
  await take(parser.end());
  const result: StreamedSession = { format: 'session', header: header ?? DEFAULT_HEADER, records, problems };
  const concluded = conclude(path, command, io, result);
  if (concluded && !started) await sink.start(result.header);
  return concluded;
}

async function streamRaw(
  path: string,
  command: string,
  io: CommandIo,
  sink: SessionSink,
  progress: Progress,
): Promise<StreamedSession | null> {
  const raw = streamRawCapture(path);
  if ('error' in raw) {
    io.err(`wsi ${command}: ${raw.error}`);
    return null;
  }
  io.err(`wsi ${command}: ${path} is a raw capture: records made anew from the relayed bytes`);
  await sink.start(raw.header);
  let records = 0;
  for (const batch of raw.batches()) {
    records += batch.length;
    await sink.records(batch);
    progress.update(raw.position, records);
  }
  for (const p of raw.problems) io.err(`wsi ${command}: ${path}: ${p.message}`);
  return { format: 'raw', header: raw.header, records, problems: raw.problems.length };
}

/**
 * The largest HAR read whole: one string, and about six times its size while parsed and turned into records, within
 * this process's heap (the first limit is V8's, the second protects from a crash when the heap runs out).
 */
export const harReadLimit = (): number =>
  Math.min(constants.MAX_STRING_LENGTH, Math.floor(getHeapStatistics().heap_size_limit / 6));

async function readHar(
  path: string,
  size: number,
  command: string,
  io: CommandIo,
  sink: SessionSink,
): Promise<StreamedSession | null> {
  const limit = harReadLimit();
  if (size > limit) {
    const mb = (bytes: number): string => `${Math.round(bytes / (1024 * 1024))} MB`;
    io.err(
      `wsi ${command}: ${path} is a HAR of ${mb(size)}: a HAR is one JSON document, read whole, and this process can ` +
        `read one of up to ${mb(limit)}; open the session file it was exported from (read as a stream, any size), or a HAR of fewer messages`,
    );
    return null;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    io.err(`wsi ${command}: cannot read ${path}: ${describeReadError(error)}`);
    return null;
  }
  const { session, problems } = importHar(text);
  reportProblems(path, command, io, problems);
  reportHarImport(session, path, command, io);
  const result: StreamedSession = {
    format: 'har',
    header: session.header,
    records: session.events.length,
    problems: problems.length,
  };
  const concluded = conclude(path, command, io, result);
  if (!concluded) return null;
  await sink.start(session.header);
  if (session.events.length > 0) await sink.records(session.events);
  return concluded;
}
