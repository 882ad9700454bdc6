// Replay timing error at 100 messages/s: records a session of 100 client messages 10 ms apart against a local echo
// server, replays it three times (speed 1) and prints |sent - scheduled| per message (from the replay's own records).
// Usage: node bench/replay-timing.js [BUILD_DIR]   (default: ./build, from `npm run build:core`)
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocketServer } from 'ws';

const buildDir = path.resolve(process.argv[2] ?? 'build');
const load = (file) => import(pathToFileURL(path.join(buildDir, file)).href);
const { createInspector } = await load('main/core/inspector.js');
const { runReplay } = await load('main/replay/replay-runner.js');
const { planReplay } = await load('shared/analysis/replay.js');

const COUNT = 100;
const SPACING_MS = 10;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
await new Promise((resolve) => wss.once('listening', resolve));
wss.on('connection', (ws) => ws.on('message', (data) => ws.send(data)));
const url = `ws://127.0.0.1:${wss.address().port}/`;

async function until(inspector, events, check) {
  while (!check(events)) {
    inspector.flush();
    await sleep(2);
  }
}

const recorder = createInspector({ shell: 'cli', keepRecords: false });
const events = [];
recorder.on('capture', (batch) => events.push(...batch.events));
const { conn } = await recorder.connect({ url });
await until(recorder, events, (all) => all.some((e) => e.type === 'open'));
const start = performance.now();
for (let i = 0; i < COUNT; i++) {
  const due = start + i * SPACING_MS;
  while (performance.now() < due) await sleep(Math.max(0, due - performance.now() - 1));
  await recorder.send({ conn, kind: 'text', data: `message ${i}` });
}
await until(
  recorder,
  events,
  (all) => all.filter((e) => e.type === 'message' && e.message.dir === 's2c').length === COUNT,
);
await recorder.close({ conn, code: 1000 });
await until(recorder, events, (all) => all.some((e) => e.type === 'end'));
await recorder.dispose();
const planned = planReplay(events, conn);
if (!planned.ok) throw new Error(planned.error);

const report = (label, errors) => {
  errors.sort((a, b) => a - b);
  const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
  const p95 = errors[Math.floor(errors.length * 0.95)];
  const over = errors.filter((e) => e >= 5).length;
  console.log(
    `${label}: max ${errors.at(-1).toFixed(2)}  mean ${mean.toFixed(2)}  p95 ${p95.toFixed(2)}  >= 5 ms: ${over}/${errors.length}`,
  );
};

// Baseline: how late this process wakes up for the same schedule with nothing to send (the machine's share).
async function baseline() {
  const errors = [];
  const origin = performance.now();
  for (let i = 0; i < COUNT; i++) {
    const due = origin + i * SPACING_MS;
    for (;;) {
      const left = due - performance.now();
      if (left <= 0) break;
      if (left > 3) await sleep(left - 2);
      else await new Promise((resolve) => setImmediate(resolve));
    }
    errors.push(performance.now() - due);
  }
  return errors;
}

console.log(
  `replay timing error, ${COUNT} messages at ${1000 / SPACING_MS} messages/s (|sent - scheduled|, ms)`,
);
for (let run = 1; run <= 3; run++) {
  const inspector = createInspector({ shell: 'cli', keepRecords: false });
  const result = await runReplay(inspector, { ...planned.plan, speed: 1, settleMs: 100 });
  await inspector.dispose();
  report(
    `replay   run ${run}`,
    result.sends.map((s) => Math.abs(s.sentMs - s.scheduledMs)),
  );
  report(`baseline run ${run}`, await baseline());
}
wss.close();
