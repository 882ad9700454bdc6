// Recorder throughput for 1 KiB and 64 KiB frames (and a 1 MiB one, over the preview cap).
// Usage: node bench/recorder-payload.js [BUILD_DIR]   (default: ./build, from `npm run build:core`)
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const buildDir = path.resolve(process.argv[2] ?? 'build');
const load = (file) => import(pathToFileURL(path.join(buildDir, file)).href);
const { ConnectionRecorder } = await load('main/capture/connection-recorder.js');
const { defaultProtocolStages } = await load('main/capture/default-stages.js');
const storeModule = await load('main/capture/payload-store.js').catch(() => undefined);

const REQUEST =
  'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const RESPONSE =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

function frame(size) {
  const header =
    size < 126
      ? [0x82, size]
      : size < 65536
        ? [0x82, 126, size >> 8, size & 255]
        : [0x82, 127, 0, 0, 0, 0, (size >>> 24) & 255, (size >> 16) & 255, (size >> 8) & 255, size & 255];
  const out = Buffer.alloc(header.length + size, 7);
  out.set(header);
  return out;
}

function run(size, framesPerChunk, totalBytes) {
  const chunk = Buffer.concat(Array.from({ length: framesPerChunk }, () => frame(size)));
  const chunks = Math.ceil(totalBytes / chunk.length);
  let now = 0;
  let records = 0;
  const recorder = new ConnectionRecorder({
    conn: 'c1',
    mode: 'client',
    url: 'ws://x/',
    clock: { startedAt: 0, now: () => now++ },
    emit: () => records++,
    stages: defaultProtocolStages(),
    ...(storeModule ? { payloads: new storeModule.PayloadStore() } : {}),
  });
  recorder.onBytes('c2s', Buffer.from(REQUEST));
  recorder.onBytes('s2c', Buffer.from(RESPONSE));
  const start = process.hrtime.bigint();
  // A fresh buffer per chunk, as a socket gives (the parser may keep views of it).
  for (let i = 0; i < chunks; i++) recorder.onBytes('s2c', Buffer.from(chunk));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return (chunks * chunk.length) / seconds / 1024 / 1024;
}

const cases = [
  ['1 KiB frames', 1024, 60, 256 * 1024 * 1024],
  ['64 KiB frames', 65536, 1, 512 * 1024 * 1024],
  ['1 MiB frames', 1024 * 1024, 1, 512 * 1024 * 1024],
];
for (const [name, size, perChunk, total] of cases) {
  run(size, perChunk, total / 8); // warm-up
  const rates = [run(size, perChunk, total), run(size, perChunk, total), run(size, perChunk, total)];
  rates.sort((a, b) => a - b);
  console.log(
    `${name}: ${rates[1].toFixed(0)} MiB/s (median of 3; ${storeModule ? 'with' : 'without'} payload store)`,
  );
}
