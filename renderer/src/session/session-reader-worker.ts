/// <reference lib="webworker" />
import { AnalysisStream } from '../../../shared/analysis/analysis-stream.js';
import type { ConnectionId } from '../../../shared/model/events.js';
import type { SessionHeader, SessionReadProblem } from '../../../shared/model/session.js';
import type { SessionStreamBatch } from '../../../shared/session/index.js';
import { createSessionStreamParser } from '../../../shared/session/index.js';
import { chunkBuffers } from '../store/columnar-log.js';
import type { FromSessionReader, ToSessionReader } from './open-protocol.js';
import { createSessionByteReader } from './session-byte-reader.js';
import { SessionChunker } from './session-chunker.js';

// A session file's reader: reads, parses, validates and analyses the file off the page's thread, and sends its
// records to the page in batches of columns (transferred, not copied). The page runs one for the rows and another
// for the analysis, so the two use both cores, and ends them to cancel.
const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Batches go out at most this often, or when this many records wait (the first as soon as there is any). */
const BATCH_MS = 150;
const BATCH_RECORDS = 250_000;

async function read({ file, rows, analyse }: ToSessionReader): Promise<void> {
  const parser = createSessionStreamParser();
  const chunker = new SessionChunker();
  const analyses = new Map<ConnectionId, AnalysisStream>();
  const decoder = new TextDecoder();
  let header: SessionHeader | undefined;
  let newHeader = false;
  let problems: SessionReadProblem[] = [];
  let bytesRead = 0;
  let sent = 0;
  let sentAt = performance.now();

  const accept = (batch: SessionStreamBatch): void => {
    if (batch.header) {
      header = batch.header;
      newHeader = true;
    }
    if (batch.problems.length) problems.push(...batch.problems);
    for (const event of batch.events) {
      if (rows) chunker.push(event);
      if (!analyse) continue;
      let analysis = analyses.get(event.conn);
      if (!analysis) analyses.set(event.conn, (analysis = new AnalysisStream({ recordingEnded: true })));
      analysis.push(event);
    }
  };
  const send = (force: boolean): void => {
    if (!rows) return;
    const now = performance.now();
    const due = force || chunker.length >= BATCH_RECORDS || (now - sentAt >= BATCH_MS && chunker.length > 0);
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

  // For the rows alone, frame and message lines are scanned as bytes straight into the columns (no text, no
  // JSON.parse); the analysis needs every record as an object, so it reads text.
  const bytes =
    rows && !analyse
      ? createSessionByteReader({
          scanned: (record, conn) => chunker.pushScanned(record, conn),
          event: (event) => chunker.push(event),
        })
      : null;
  const reader = (file.stream() as ReadableStream<Uint8Array>).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytesRead += value.byteLength;
    accept(bytes ? bytes.push(value) : parser.push(decoder.decode(value, { stream: true })));
    send(false);
  }
  if (bytes) accept(bytes.end());
  else {
    accept(parser.push(decoder.decode()));
    accept(parser.end());
  }
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
    analyses: [...analyses].map(([conn, analysis]) => [conn, result(analysis)]),
  } satisfies FromSessionReader);
}

scope.onmessage = (event: MessageEvent<ToSessionReader>) => {
  read(event.data).catch((error: unknown) =>
    scope.postMessage({
      type: 'failed',
      message: error instanceof Error ? error.message : String(error),
    } satisfies FromSessionReader),
  );
};
