#!/usr/bin/env node
// Proxy throughput bench: one run on loopback, every path measured against `direct` in the same run.
//   node bench/run.js [--seconds S] [--rounds N] [--json FILE] [--no-build]
// Defaults: 7 rounds of 0.4 s slices; each path reports the median of its slices.
// Paths: direct; the inspector's proxy with full capture as the app runs it (records kept in memory) and as
// `wsi proxy --out` runs it (records streamed to a session file), and relay only; two plain Node relays (pipe, and
// the leanest the public API allows); nginx and mitmproxy when installed.
import { execFileSync, spawn } from 'node:child_process';
import { buildCore, buildDir, children, freePort, startChild } from './lib.js';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
};
const seconds = Number(option('--seconds', '0.4'));
const rounds = Number(option('--rounds', '7'));
const jsonOut = option('--json', undefined);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'wsi-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
process.on('SIGINT', () => process.exit(130));
const build = () => buildCore(args.includes('--no-build'));

/**
 * CPU time (ms) a relay process has used so far, split into its main thread (where the relay runs) and its other
 * threads (capture worker, GC helpers), from /proc (Linux). Undefined where /proc is not readable.
 */
function processCpu(pid) {
  try {
    const ticks = (tid) => {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks
    };
    const msPerTick = 1000 / 100; // USER_HZ is 100 on Linux
    let others = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) if (tid !== String(pid)) others += ticks(tid);
    return { main: ticks(pid) * msPerTick, others: others * msPerTick };
  } catch {
    return undefined;
  }
}

function waitForPort(port, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} never opened`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/**
 * 1 KiB messages, one at a time: send, wait for the echo, repeat. `work` is the number of round trips (for CPU per
 * unit of work).
 */
async function roundTrips(base, duration = seconds) {
  const ws = await open(`${base}/echo`);
  const payload = Buffer.alloc(1024, 0x61);
  let count = 0;
  const end = performance.now() + duration * 1000;
  const started = performance.now();
  await new Promise((resolve) => {
    ws.on('message', () => {
      count++;
      if (performance.now() < end) ws.send(payload);
      else resolve();
    });
    ws.send(payload);
  });
  const elapsed = (performance.now() - started) / 1000;
  ws.close();
  return { rate: count / elapsed, work: count };
}

/**
 * One-way throughput: the client sends `size`-byte binary messages for `seconds` (keeping at most 4 MiB buffered
 * locally), the sink counts what arrives; rate = bytes received / time between first and last arrival, on the
 * sink's clock. Bounded: stops waiting for stragglers after a few seconds and uses what arrived. `work` is the
 * number of messages that arrived.
 */
async function oneWay(base, size, duration = seconds) {
  const ws = await open(`${base}/sink`);
  const payload = Buffer.alloc(size, 0x62);
  let latest = { bytes: 0 };
  ws.on('message', (data) => (latest = JSON.parse(data.toString())));
  let sent = 0;
  const end = performance.now() + duration * 1000;
  await new Promise((resolve) => {
    const pump = () => {
      while (ws.bufferedAmount < 4 * 1024 * 1024 && performance.now() < end) {
        ws.send(payload);
        sent += size;
      }
      if (performance.now() >= end) resolve();
      else setTimeout(pump, 1);
    };
    pump();
  });
  const waitUntil = performance.now() + Math.max(3000, duration * 3000);
  while (latest.bytes < sent && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 50));
  ws.close();
  const spanNs = latest.first && latest.last ? Number(BigInt(latest.last) - BigInt(latest.first)) : 0;
  return {
    mibps: spanNs > 0 ? latest.bytes / (1024 * 1024) / (spanNs / 1e9) : 0,
    complete: latest.bytes >= sent,
    work: latest.bytes / size,
  };
}

async function measure(name, base, duration = seconds) {
  await roundTrips(base, duration); // warm-up: connection setup, JIT
  const rt = (await roundTrips(base, duration)).rate;
  const small = await oneWay(base, 1024, duration);
  const large = await oneWay(base, 64 * 1024, duration);
  const row = {
    path: name,
    roundTrips: rt,
    oneWay1k: small.mibps,
    oneWay64k: large.mibps,
    complete: small.complete && large.complete,
  };
  process.stderr.write(`  ${name}: done\n`);
  return row;
}

async function startNginx(echoPort) {
  const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (!nginx) return undefined;
  const port = await freePort();
  const dir = path.join(tmp, 'nginx');
  execFileSync('mkdir', ['-p', dir]);
  const conf = `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://127.0.0.1:${echoPort};
      proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_read_timeout 120s;
    }
  }
}
`;
  writeFileSync(path.join(dir, 'nginx.conf'), conf);
  const child = spawn(nginx, ['-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore' });
  children.push(child);
  await waitForPort(port);
  let workerPid;
  try {
    // One worker process does the relaying; the master only supervises.
    workerPid = Number(
      readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0],
    );
  } catch {
    workerPid = undefined;
  }
  return {
    base: `ws://127.0.0.1:${port}`,
    pid: workerPid || undefined,
    version: execFileSync(nginx, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  };
}

function which(command) {
  try {
    return execFileSync('which', [command], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

async function startMitmproxy(echoPort) {
  const mitmdump = which('mitmdump');
  if (!mitmdump) return undefined;
  const port = await freePort();
  const child = spawn(
    mitmdump,
    [
      '--mode',
      `reverse:http://127.0.0.1:${echoPort}`,
      '--listen-host',
      '127.0.0.1',
      '--listen-port',
      String(port),
      '-q',
      '--set',
      `confdir=${path.join(tmp, 'mitm')}`,
    ],
    { stdio: 'ignore' },
  );
  children.push(child);
  await waitForPort(port, 30_000);
  return { base: `ws://127.0.0.1:${port}` };
}

const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main() {
  const started = performance.now();
  process.stderr.write('bench: building the core...\n');
  build();
  const echo = startChild('bench/echo-server.js', []);
  const { port: echoPort } = await echo.next();
  const direct = `ws://127.0.0.1:${echoPort}`;

  process.stderr.write(
    `bench: ${rounds} rounds of ${seconds} s slices per path and metric, paths interleaved\n`,
  );
  const relayOnly = startChild('bench/proxy-child.js', [buildDir, direct, 'none']);
  const { port: relayPort } = await relayOnly.next();
  const pipeRelay = startChild('bench/node-pipe-relay.js', [String(echoPort)]);
  const { port: pipePort } = await pipeRelay.next();
  const minimalRelay = startChild('bench/node-minimal-relay.js', [String(echoPort)]);
  const { port: minimalPort } = await minimalRelay.next();
  const cliCapture = startChild('bench/proxy-child.js', [
    buildDir,
    direct,
    'cli',
    path.join(tmp, 'session.jsonl'),
  ]);
  const { port: cliPort } = await cliCapture.next();
  const nginx = await startNginx(echoPort).catch(
    (error) => (process.stderr.write(`nginx: ${error.message}\n`), undefined),
  );
  // The full-capture proxy runs in a fresh process each round and is stopped before anything else is measured:
  // the session it keeps in memory (and the GC threads working on it) must not weigh on the other paths.
  const fullCapture = async () => {
    const full = startChild('bench/proxy-child.js', [buildDir, direct, 'full']);
    const { port } = await full.next();
    return { base: `ws://127.0.0.1:${port}`, child: full };
  };
  const paths = [
    { name: 'direct', base: direct },
    {
      name: 'inspector proxy (full capture, wsi proxy --out)',
      base: `ws://127.0.0.1:${cliPort}`,
      pid: cliCapture.child.pid,
    },
    { name: 'inspector proxy (relay only)', base: `ws://127.0.0.1:${relayPort}`, pid: relayOnly.child.pid },
    { name: 'plain Node pipe relay', base: `ws://127.0.0.1:${pipePort}`, pid: pipeRelay.child.pid },
    { name: 'minimal Node relay', base: `ws://127.0.0.1:${minimalPort}`, pid: minimalRelay.child.pid },
    ...(nginx ? [{ name: 'nginx reverse proxy', base: nginx.base, pid: nginx.pid }] : []),
    { name: 'inspector proxy (full capture)', start: fullCapture },
  ];
  // Every path is measured in short slices, the paths taking turns (rotating order), and each path keeps the median
  // of its slices: load that comes and goes on a shared machine then hits every path alike.
  const full = await fullCapture();
  paths[paths.length - 1] = {
    name: 'inspector proxy (full capture)',
    base: full.base,
    pid: full.child.child.pid,
  };
  const slices = new Map(
    paths.map((p) => [p.name, { roundTrips: [], oneWay1k: [], oneWay64k: [], complete: true }]),
  );
  // CPU the relay process spent per unit of work, summed over all slices: steadier than rates on a shared VM.
  const cpu = new Map(
    paths.map((p) => [
      p.name,
      Object.fromEntries(
        ['roundTrips', 'oneWay1k', 'oneWay64k'].map((k) => [k, { main: 0, others: 0, work: 0 }]),
      ),
    ]),
  );
  const metered = async (p, key, run) => {
    const before = p.pid ? processCpu(p.pid) : undefined;
    const result = await run();
    const after = before ? processCpu(p.pid) : undefined;
    if (before && after) {
      const c = cpu.get(p.name)[key];
      c.main += after.main - before.main;
      c.others += after.others - before.others;
      c.work += result.work;
    }
    return result;
  };
  for (const p of paths) await roundTrips(p.base, 0.3); // warm-up: connection setup, JIT
  for (let round = 0; round < rounds; round++) {
    const order = paths.map((_, i) => paths[(i + round) % paths.length]);
    for (const p of order) {
      const s = slices.get(p.name);
      s.roundTrips.push((await metered(p, 'roundTrips', () => roundTrips(p.base, seconds))).rate);
      const small = await metered(p, 'oneWay1k', () => oneWay(p.base, 1024, seconds));
      const large = await metered(p, 'oneWay64k', () => oneWay(p.base, 64 * 1024, seconds));
      s.oneWay1k.push(small.mibps);
      s.oneWay64k.push(large.mibps);
      s.complete &&= small.complete && large.complete;
    }
    process.stderr.write(`  round ${round + 1}/${rounds} done\n`);
  }
  const median = (values) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  };
  const best = new Map(
    [...slices].map(([name, s]) => [
      name,
      {
        path: name,
        roundTrips: median(s.roundTrips),
        oneWay1k: median(s.oneWay1k),
        oneWay64k: median(s.oneWay64k),
        complete: s.complete,
      },
    ]),
  );
  full.child.child.stdin.write('stats\n');
  cliCapture.child.stdin.write('stats\n');
  const [stats, cliStats] = await Promise.all([full.child.next(), cliCapture.next()]);
  for (const child of [
    full.child.child,
    cliCapture.child,
    relayOnly.child,
    pipeRelay.child,
    minimalRelay.child,
  ])
    child.kill('SIGTERM');
  const rows = [...best.values()];
  // mitmproxy buffers without backpressure and keeps working long after a measurement: measured once, last.
  const mitm = await startMitmproxy(echoPort).catch(
    (error) => (process.stderr.write(`mitmproxy: ${error.message}\n`), undefined),
  );
  if (mitm) rows.push(await measure('mitmproxy reverse mode', mitm.base, 1));

  const [d] = rows;
  const find = (prefix) => rows.find((r) => r.path.startsWith(prefix));
  const proxy = find('inspector proxy (full capture)');
  const cliProxy = find('inspector proxy (full capture, wsi');
  const order = [
    'direct',
    'inspector proxy (full capture)',
    'inspector proxy (full capture, wsi',
    'inspector proxy (relay',
    'plain Node',
    'minimal Node',
    'nginx',
    'mitmproxy',
  ];
  rows.sort(
    (a, b) => order.findIndex((p) => a.path.startsWith(p)) - order.findIndex((p) => b.path.startsWith(p)),
  );
  const lines = [];
  lines.push('| path | 1 KiB round trips/s | 1 KiB one-way MiB/s | 64 KiB one-way MiB/s |');
  lines.push('|---|---:|---:|---:|');
  for (const r of rows)
    lines.push(
      `| ${r.path}${r.complete ? '' : ' (partial)'} | ${fmt(r.roundTrips)} | ${fmt(r.oneWay1k, 1)} | ${fmt(r.oneWay64k, 1)} |`,
    );
  const ratio = (a, b, key) => (a && b && b[key] > 0 ? a[key] / b[key] : undefined);
  const ratioRow = (label, a, b) =>
    a && b
      ? `| ${label} | ${['roundTrips', 'oneWay1k', 'oneWay64k'].map((k) => `${fmt(ratio(a, b, k), 2)}×`).join(' | ')} |`
      : undefined;
  lines.push('');
  lines.push('| ratio | round trips | 1 KiB one-way | 64 KiB one-way |');
  lines.push('|---|---:|---:|---:|');
  for (const line of [
    ratioRow(
      'full capture (app) / relay only (targets ≥ 0.9×, ≥ 0.9×, ≥ 0.9×)',
      proxy,
      find('inspector proxy (relay'),
    ),
    ratioRow(
      'full capture (wsi proxy --out) / relay only (targets ≥ 0.9× each)',
      cliProxy,
      find('inspector proxy (relay'),
    ),
    ratioRow('full capture (app) / nginx (target ≥ 0.8× round trips)', proxy, find('nginx')),
    ratioRow('full capture (wsi proxy --out) / nginx (target ≥ 0.8× round trips)', cliProxy, find('nginx')),
    ratioRow('proxy / direct', proxy, d),
    ratioRow('proxy as wsi proxy --out / direct', cliProxy, d),
    ratioRow('relay only / direct', find('inspector proxy (relay'), d),
    ratioRow('plain Node pipe relay / direct', find('plain Node'), d),
    ratioRow('minimal Node relay / direct', find('minimal Node'), d),
    ratioRow('nginx / direct', find('nginx'), d),
    ratioRow('proxy / mitmproxy (target ≥ 8×)', proxy, find('mitmproxy')),
    // What a proxy costing nothing would score: where this is under 8×, the target is out of reach here.
    ratioRow('direct / mitmproxy (ceiling for any proxy)', d, find('mitmproxy')),
  ]) {
    if (line) lines.push(line);
  }
  const cpuRows = paths.filter((p) => p.pid && cpu.get(p.name).roundTrips.work > 0);
  if (cpuRows.length > 0) {
    const per = (c) =>
      c.work > 0 ? `${fmt((c.main * 1000) / c.work, 1)} + ${fmt((c.others * 1000) / c.work, 1)}` : 'n/a';
    lines.push('');
    lines.push(
      '| relay process CPU, µs per unit (main thread + other threads) | per round trip | per 1 KiB message | per 64 KiB message |',
    );
    lines.push('|---|---:|---:|---:|');
    for (const p of cpuRows) {
      const c = cpu.get(p.name);
      lines.push(`| ${p.name} | ${per(c.roundTrips)} | ${per(c.oneWay1k)} | ${per(c.oneWay64k)} |`);
    }
  }
  lines.push('');
  for (const [label, s] of [
    ['full capture (app)', stats],
    ['full capture (wsi proxy --out)', cliStats],
  ])
    lines.push(
      `capture, ${label}: ${fmt(s.frames)} frame records, ${fmt(s.messages)} message records, ` +
        `${s.dropped} drop reports (${fmt(s.droppedFrames)} frames, ${fmt(s.droppedBytes)} bytes not recorded); ` +
        `recording finished ${fmt(s.settledMs / 1000, 1)} s after the last slice`,
    );
  lines.push(
    `machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}; run took ${fmt((performance.now() - started) / 1000, 1)} s`,
  );
  process.stdout.write(lines.join('\n') + '\n');
  if (jsonOut) {
    const perSlice = Object.fromEntries(slices);
    const relayCpu = Object.fromEntries(cpu);
    writeFileSync(
      jsonOut,
      JSON.stringify({ rows, slices: perSlice, relayCpu, stats, cliStats, seconds, rounds }, null, 2),
    );
  }
  process.exit(0);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  process.exit(1);
});
