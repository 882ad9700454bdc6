#!/usr/bin/env node
// TLS interception bench: round trip of one existing proxied connection while the forward proxy intercepts new hosts
// (each needs a leaf certificate signed by the local CA).
//   node bench/cert-intercept.js [--hosts N] [--no-build]
// Prints p50/p95 round trip before and during the burst, and how long the N certificates took. Uses build/ (it runs
// `npm run build:core` first unless --no-build).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const hosts = Number(args[args.indexOf('--hosts') + 1] || 100) || 100;
if (!args.includes('--no-build')) execFileSync('npm', ['run', 'build:core'], { cwd: root, stdio: 'ignore' });
const { createInspector } = await import(path.join(root, 'build/main/core/inspector.js'));
const { createProxyController } = await import(path.join(root, 'build/main/proxy/controller.js'));

const caDir = mkdtempSync(path.join(os.tmpdir(), 'wsi-cert-bench-'));
const echo = new WebSocketServer({ host: '127.0.0.1', port: 0 });
await new Promise((resolve) => echo.once('listening', resolve));
echo.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
const echoPort = echo.address().port;

const inspector = createInspector({ shell: 'cli', proxyController: createProxyController({ caDir }) });
const info = await inspector.startProxy({ mode: 'forward' });
const proxyPort = Number(info.address.split(':').pop());

/** A CONNECT tunnel through the proxy, resolved once the proxy answered. */
function tunnel(authority) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxyPort, '127.0.0.1');
    socket.once('error', reject);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    socket.once('data', (chunk) =>
      /^HTTP\/1\.1 200/.test(chunk.toString('latin1')) ? resolve(socket) : reject(new Error(String(chunk))),
    );
  });
}

// The existing connection: plain ws inside a tunnel (no certificate needed), then warmed up.
const carrier = await tunnel(`127.0.0.1:${echoPort}`);
const ws = new WebSocket(`ws://127.0.0.1:${echoPort}/`, { createConnection: () => carrier });
await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));

let sampling = false;
let samples = [];
async function sample() {
  while (sampling) {
    const started = performance.now();
    await new Promise((resolve) => {
      ws.once('message', resolve);
      ws.send('x'.repeat(64));
    });
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
};
async function phase(work) {
  samples = [];
  sampling = true;
  const loop = sample();
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  sampling = false;
  await loop;
  return { ms, n: samples.length, p50: pct(samples, 50), p95: pct(samples, 95), max: pct(samples, 100) };
}

async function intercept(host) {
  const socket = await tunnel(`${host}:443`);
  await new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: host, rejectUnauthorized: false });
    secure.once('secureConnect', () => {
      secure.destroy();
      resolve();
    });
    secure.once('error', reject);
  });
}

// One interception first so the CA and the shared leaf key exist, as on any proxy that has run a while.
await intercept('warmup.bench.test');
const idle = await phase(() => new Promise((resolve) => setTimeout(resolve, 2_000)));
const burst = await phase(() =>
  Promise.all(Array.from({ length: hosts }, (_, i) => intercept(`h${i}.bench.test`))),
);
const ms = (v) => `${v.toFixed(2)} ms`;
console.log(
  `existing connection, idle proxy:      p50 ${ms(idle.p50)}  p95 ${ms(idle.p95)}  (${idle.n} round trips)`,
);
console.log(
  `existing connection, ${hosts} new hosts:  p50 ${ms(burst.p50)}  p95 ${ms(burst.p95)}  max ${ms(burst.max)}  (${burst.n} round trips)`,
);
console.log(
  `${hosts} hosts intercepted in ${ms(burst.ms)} (${((hosts * 1000) / burst.ms).toFixed(0)} hosts/s)`,
);

ws.terminate();
await inspector.dispose();
echo.close();
rmSync(caDir, { recursive: true, force: true });
