#!/usr/bin/env node
// Capture completeness: a paced sender through the inspector's proxy, then the session file is checked — every frame
// sent must be a frame record, with no `dropped` records, and on disk within seconds of the traffic stopping.
//   node bench/capture-completeness.js [--seconds S] [--rates 10000,30000,100000] [--sizes 64,1024,65536]
//                                      [--rss-seconds S] [--no-build] [--json FILE]
// Paths: the proxy as `wsi proxy --out FILE -q` runs it, and as the app runs it (records kept for the views, the
// session file written by the capture worker). Also the proxy's peak RSS over a saturating run (`--rss-seconds`).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { buildCore, buildDir, SessionCounter, startChild } from './lib.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const seconds = Number(option('--seconds', '5'));
const rates = option('--rates', '10000,30000,100000').split(',').map(Number);
const sizes = option('--sizes', '64,1024,65536').split(',').map(Number);
const rssSeconds = Number(option('--rss-seconds', '60'));
const jsonOut = option('--json', undefined);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'wsi-completeness-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(130));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends `rate` messages/s of `size` bytes for `duration` s (as many as the path takes, if fewer). */
async function pacedSend(ws, size, rate, duration) {
  const payload = Buffer.alloc(size, 0x63);
  let sent = 0;
  const started = performance.now();
  const end = started + duration * 1000;
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(rate * ((Math.min(now, end) - started) / 1000), rate * duration);
      while (sent < due && ws.bufferedAmount < 16 * 1024 * 1024) {
        ws.send(payload);
        sent++;
      }
      if (now >= end) resolve();
      else setImmediate(tick);
    };
    tick();
  });
  return { sent, achieved: sent / ((performance.now() - started) / 1000) };
}

async function waitSink(ws, bytes) {
  let latest = 0;
  ws.on('message', (data) => (latest = JSON.parse(data.toString()).bytes));
  const deadline = performance.now() + 60_000;
  while (latest < bytes && performance.now() < deadline) await sleep(20);
  return latest >= bytes;
}

async function completeness(mode, size, rate) {
  const file = path.join(tmp, `${mode}-${size}-${rate}.jsonl`);
  const proxy = startChild('bench/proxy-child.js', [buildDir, target, mode, file]);
  const { port } = await proxy.next();
  const ws = await open(`ws://127.0.0.1:${port}/sink`);
  const { sent, achieved } = await pacedSend(ws, size, rate, seconds);
  const delivered = await waitSink(ws, sent * size);
  const stopped = performance.now();
  const counter = new SessionCounter(file);
  let lagMs;
  while (performance.now() - stopped < 30_000) {
    counter.update();
    if (counter.c2sData >= sent) {
      lagMs = performance.now() - stopped;
      break;
    }
    await sleep(50);
  }
  ws.close();
  proxy.child.kill('SIGTERM');
  await new Promise((resolve) => proxy.child.once('exit', resolve));
  counter.update();
  rmSync(file, { force: true });
  return {
    path: mode === 'cli' ? 'wsi proxy --out' : 'app (live session + file)',
    size,
    rate,
    achieved: Math.round(achieved),
    sent,
    delivered,
    records: counter.c2sData,
    dropped: counter.dropped,
    backpressure: counter.backpressure,
    worstLagMs: counter.maxLagMs,
    onDiskAfterMs: lagMs === undefined ? undefined : Math.round(lagMs),
  };
}

/** Peak RSS of `wsi proxy --out` while 1 KiB messages go through as fast as it takes them. */
async function rssRun() {
  const file = path.join(tmp, 'rss.jsonl');
  const proxy = startChild('bench/proxy-child.js', [buildDir, target, 'cli', file]);
  const { port } = await proxy.next();
  const ws = await open(`ws://127.0.0.1:${port}/sink`);
  let peak = 0;
  const rss = () => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${proxy.child.pid}/status`, 'utf8'));
    peak = Math.max(peak, Number(match?.[1] ?? 0) * 1024);
  };
  const sampler = setInterval(rss, 250);
  const { sent } = await pacedSend(ws, 1024, 1e9, rssSeconds);
  const delivered = await waitSink(ws, sent * 1024);
  const counter = new SessionCounter(file);
  const stopped = performance.now();
  while (counter.c2sData < sent && performance.now() - stopped < 60_000) {
    counter.update();
    rss();
    await sleep(100);
  }
  clearInterval(sampler);
  ws.close();
  proxy.child.kill('SIGTERM');
  await new Promise((resolve) => proxy.child.once('exit', resolve));
  counter.update();
  return {
    seconds: rssSeconds,
    sent,
    delivered,
    records: counter.c2sData,
    dropped: counter.dropped,
    peakRssMiB: peak / 2 ** 20,
  };
}

let target;
async function main() {
  process.stderr.write('completeness: building the core...\n');
  buildCore(args.includes('--no-build'));
  const echo = startChild('bench/echo-server.js', []);
  const { port } = await echo.next();
  target = `ws://127.0.0.1:${port}`;
  const rows = [];
  for (const size of sizes)
    for (const rate of rates)
      for (const mode of ['cli', 'full']) {
        const row = await completeness(mode, size, rate);
        process.stderr.write(`  ${row.path} ${size} B at ${rate}/s: ${row.records}/${row.sent}\n`);
        rows.push(row);
      }
  const rss = rssSeconds > 0 ? await rssRun() : undefined;

  const fmt = (n) => (n === undefined ? '—' : n.toLocaleString('en-US'));
  const lines = [
    '',
    `Capture completeness (${seconds} s per run, paced sender, 1 connection, client → server)`,
    '',
    '| path | message size | asked rate/s | sent rate/s | frames sent | frame records | dropped records | backpressure records | worst record lag | all on disk after stop |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.path} | ${r.size} B | ${fmt(r.rate)} | ${fmt(r.achieved)} | ${fmt(r.sent)} | ${fmt(r.records)}${r.records === r.sent ? '' : ' **(missing)**'} | ${r.dropped} | ${r.backpressure} | ${r.worstLagMs > 0 ? `${fmt(Math.round(r.worstLagMs))} ms` : '—'} | ${r.onDiskAfterMs === undefined ? '**not within 30 s**' : `${fmt(r.onDiskAfterMs)} ms`} |`,
    ),
  ];
  if (rss)
    lines.push(
      '',
      `Memory: wsi proxy --out under ${rss.seconds} s of saturating 1 KiB traffic: peak RSS ${rss.peakRssMiB.toFixed(0)} MiB (target < 300 MB); ${fmt(rss.records)} of ${fmt(rss.sent)} frames recorded, ${rss.dropped} dropped records.`,
    );
  lines.push(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`);
  process.stdout.write(lines.join('\n') + '\n');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ rows, rss, seconds }, null, 2));
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`completeness bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
