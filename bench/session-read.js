#!/usr/bin/env node
// Session-file reading as the reader worker does it for the rows (the browser's Blob.stream() stands in for a Node
// read stream of 64 KiB pieces), old path against new, same run, same file:
//   old: TextDecoder → createSessionStreamParser (JSON.parse + record checks per line) → SessionChunker.push
//   new: createSessionByteReader (frame/message lines scanned as bytes straight into the columns) → SessionChunker
// Usage: node bench/session-read.js FILE.jsonl [--runs N]
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 1;
if (!file) {
  console.error('Usage: node bench/session-read.js FILE.jsonl [--runs N]');
  process.exit(2);
}

// The worker's modules are TypeScript: bundle them for Node.
const dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-session-read-'));
const entry = path.join(dir, 'entry.ts');
writeFileSync(
  entry,
  [
    `export { createSessionStreamParser } from ${JSON.stringify(path.join(root, 'shared/session/index.ts'))};`,
    `export { SessionChunker } from ${JSON.stringify(path.join(root, 'renderer/src/session/session-chunker.ts'))};`,
    `export { createSessionByteReader } from ${JSON.stringify(path.join(root, 'renderer/src/session/session-byte-reader.ts'))};`,
  ].join('\n'),
);
const bundle = path.join(dir, 'bundle.mjs');
await build({ input: entry, platform: 'node', output: { format: 'esm', file: bundle }, logLevel: 'silent' });
const { createSessionStreamParser, SessionChunker, createSessionByteReader } = await import(
  pathToFileURL(bundle).href
);
rmSync(dir, { recursive: true, force: true });

/** As the worker: a batch goes to the page every 250,000 records (time-based batches left out). */
const BATCH_RECORDS = 250_000;
/** The file in 64 KiB pieces, as plain Uint8Arrays (what Blob.stream() gives; Node's Buffers would be another shape). */
async function* pieces() {
  for await (const buffer of createReadStream(file, { highWaterMark: 64 * 1024 }))
    yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

async function oldPath() {
  const parser = createSessionStreamParser();
  const chunker = new SessionChunker();
  const decoder = new TextDecoder();
  let records = 0;
  let problems = 0;
  const accept = (batch) => {
    problems += batch.problems.length;
    for (const event of batch.events) chunker.push(event);
    if (chunker.length >= BATCH_RECORDS) records += count(chunker.take());
  };
  for await (const value of pieces()) accept(parser.push(decoder.decode(value, { stream: true })));
  accept(parser.push(decoder.decode()));
  accept(parser.end());
  records += count(chunker.take());
  return { records, problems };
}

async function newPath() {
  const chunker = new SessionChunker();
  const reader = createSessionByteReader({
    scanned: (record, conn) => chunker.pushScanned(record, conn),
    event: (event) => chunker.push(event),
  });
  let records = 0;
  let problems = 0;
  const accept = (batch) => {
    problems += batch.problems.length;
    if (chunker.length >= BATCH_RECORDS) records += count(chunker.take());
  };
  for await (const value of pieces()) accept(reader.push(value));
  accept(reader.end());
  records += count(chunker.take());
  return { records, problems };
}

const count = (items) =>
  items.reduce((sum, item) => sum + ('chunk' in item ? item.chunk.count : item.events.length), 0);

async function readOnly() {
  let bytes = 0;
  for await (const value of pieces()) bytes += value.byteLength;
  return bytes;
}

const time = async (run) => {
  const start = performance.now();
  const result = await run();
  return { ms: Math.round(performance.now() - start), result };
};

const bytes = await readOnly();
console.log(`${file}: ${(bytes / 2 ** 20).toFixed(0)} MiB`);
for (let run = 1; run <= runs; run++) {
  const read = await time(readOnly);
  const old = await time(oldPath);
  const fresh = await time(newPath);
  const same = old.result.records === fresh.result.records && old.result.problems === fresh.result.problems;
  console.log(
    `run ${run}: read only ${read.ms} ms | old ${old.ms} ms | new ${fresh.ms} ms | ${(old.ms / fresh.ms).toFixed(1)}x` +
      ` | records ${fresh.result.records}, problems ${fresh.result.problems}${same ? '' : ' — DIFFERENT from old: ' + JSON.stringify(old.result)}`,
  );
}
