/// <reference lib="webworker" />
import { AnalysisStream } from '../../../shared/analysis/analysis-stream.js';
import type { ConnectionId } from '../../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem } from '../../../shared/model/session.js';
import type { SessionStreamBatch } from '../../../shared/session/index.js';
import { chunkBuffers } from '../store/columnar-log.js';
import { fileBytes, PartCutter, partReadStart } from './file-part.js';
import type { FromSessionReader, ReadSessionFile, ToSessionReader } from './open-protocol.js';
import { createSessionByteReader } from './session-byte-reader.js';
import { eventFromScanned } from './scanned-event.js';
import { SessionChunker } from './session-chunker.js';

// A session file's reader: reads, parses, validates and analyses the file off the page's thread, and sends its
// records to the page in batches of columns (transferred, not copied). The page runs one for the rows and another
// for the analysis, so the two use both cores, and ends them to cancel.
const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Batches go out at most this often, or when this many records wait (the first as soon as there is any). */
const BATCH_MS = 150;
const BATCH_RECORDS = 250_000;
/**
 * The batch after the first rows are shown goes out at this many records: the page's first large batch (its code not
 * yet optimised, a large file's columns sized for all its rows, which sets off a full GC) made the longest pause of
 * an open, 83-133 ms for a million frames; split like this, 50-83 ms.
 */
const SECOND_BATCH_RECORDS = 8192;
/**
 * After the first batch, how long the rows reader waits at most for the page to say it is shown. Reading on at once
 * took the CPU from the page's first render on a two-core machine, which then took three times as long.
 */
const FIRST_ROWS_WAIT_MS = 400;

let firstRowsShown: () => void = () => undefined;
let shown = false;

function untilFirstRowsShown(): Promise<void> {
  return new Promise((resolve) => {
    if (shown) return resolve();
    const timer = setTimeout(resolve, FIRST_ROWS_WAIT_MS);
    firstRowsShown = () => {
      clearTimeout(timer);
      resolve();
    };
  });
}

async function read({ file, rows, analyse, part }: ReadSessionFile): Promise<void> {
  const range = part ?? { from: 0, to: file.size };
  const cutter = new PartCutter(range);
  const afterHeader = range.from > 0;
  // A later part's rows wait for the first rows to be on screen (see FIRST_ROWS_WAIT_MS).
  if (rows && afterHeader) await untilFirstRowsShown();
  const chunker = new SessionChunker();
  const analyses = new Map<ConnectionId, AnalysisStream>();
  let header: SessionHeader | undefined;
  let newHeader = false;
  let problems: SessionReadProblem[] = [];
  let bytesRead = 0;
  let sent = 0;
  let sentAt = performance.now();

  const analysisOf = (conn: ConnectionId): AnalysisStream => {
    let analysis = analyses.get(conn);
    if (!analysis) analyses.set(conn, (analysis = new AnalysisStream({ recordingEnded: true })));
    return analysis;
  };
  const accept = (batch: SessionStreamBatch): void => {
    if (batch.header) {
      header = batch.header;
      newHeader = true;
    }
    if (batch.problems.length) problems.push(...batch.problems);
  };
  const send = (force: boolean): void => {
    if (!rows) return;
    const now = performance.now();
    const due =
      force ||
      chunker.length >= (sent === 1 ? SECOND_BATCH_RECORDS : BATCH_RECORDS) ||
      (now - sentAt >= BATCH_MS && chunker.length > 0);
    if (!due && !(sent === 0 && chunker.length > 0) && !newHeader && problems.length === 0) return;
    const items = chunker.take();
    const message: FromSessionReader = {
      type: 'batch',
      bytesRead,
      items,
      problems,
      ...(newHeader && header ? { header } : {}),
    };
    const transfer = items.flatMap((item) => ('chunk' in item ? chunkBuffers(item.chunk) : []));
    scope.postMessage(message, transfer);
    sent++;
    sentAt = now;
    newHeader = false;
    problems = [];
  };

  // Frame and message lines are scanned as bytes (no text, no JSON.parse): straight into the columns for the rows,
  // and into records for the analysis; other lines are read as text.
  const bytes = createSessionByteReader(
    {
      scanned: (record, conn, line) => {
        if (rows && !chunker.pushScanned(record, conn)) return false;
        if (analyse) analysisOf(conn).push(eventFromScanned(record, conn, line));
        return true;
      },
      event: (event) => {
        if (rows) chunker.push(event);
        if (analyse) analysisOf(event.conn).push(event);
      },
    },
    { afterHeader },
  );
  for await (const slice of fileBytes(file, partReadStart(range))) {
    const piece = cutter.cut(slice);
    bytesRead += piece.byteLength;
    accept(bytes.push(piece));
    const first = sent === 0;
    send(false);
    if (first && sent > 0 && !afterHeader) await untilFirstRowsShown();
    if (cutter.done) break;
  }
  // Counted before `end`: a part that another follows ends with a line break, so `end` reads no line of it.
  const lines = bytes.lines;
  const pastHeader = bytes.pastHeader;
  accept(bytes.end());
  send(true);
  const result = (analysis: AnalysisStream) => {
    const imported = header?.imported;
    const result = analysis.result({
      startedAt: header?.startedAt ?? 0,
      ...(imported ? { imported } : {}),
    });
    return {
      summary: result.connections[0],
      findings: result.findings,
      ...(result.imported ? { imported: result.imported } : {}),
    };
  };
  scope.postMessage({
    type: 'done',
    bytesRead,
    lines,
    pastHeader,
    analyses: [...analyses].map(([conn, analysis]) => [conn, result(analysis)]),
  } satisfies FromSessionReader);
}

scope.onmessage = (event: MessageEvent<ToSessionReader>) => {
  const request = event.data;
  if (request.type === 'shown') {
    shown = true;
    return firstRowsShown();
  }
  read(request).catch((error: unknown) =>
    scope.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    } satisfies FromSessionReader),
  );
};
