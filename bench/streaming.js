// Streaming analyze and export of a large session: peak RSS and time per command, and tshark's count of the
// WebSocket frames in the pcapng export (every frame must be dissected).
// Usage: node bench/streaming.js [FRAMES] [BUILD_DIR]   (default 1,000,000 frames, ./build from `npm run build:core`)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSession } from './gen-session.js';

const frames = Number(process.argv[2] ?? 1_000_000);
const buildDir = path.resolve(process.argv[3] ?? 'build');
const cli = pathToFileURL(path.join(buildDir, 'main/cli/wsi.js')).href;
const dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-streaming-bench-'));
const session = path.join(dir, 'session.jsonl');
const MB = 1024 * 1024;

// Each command in its own process, which reports its own peak RSS (maxRSS, KiB) when done.
const runner = `const { runCli } = await import(${JSON.stringify(cli)});
const io = { out: () => undefined, err: (line) => process.stderr.write(line + '\\n') };
const code = await runCli(process.argv.slice(1), io);
process.stderr.write('maxrss ' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;`;

function run(label, args) {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', runner, '--', ...args], {
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  const rss = Number(/maxrss (\d+)/.exec(child.stderr)?.[1] ?? NaN) / 1024;
  const ok = child.status === 0 || (label === 'analyze' && child.status === 1);
  console.log(
    `${label.padEnd(28)} ${seconds.toFixed(1).padStart(6)} s  peak RSS ${rss.toFixed(0).padStart(5)} MB${ok ? '' : `  FAILED (exit ${child.status}): ${child.stderr.slice(0, 300)}`}`,
  );
  return rss;
}

try {
  console.log(`generating a session of ${frames.toLocaleString('en-US')} frames ...`);
  await writeSession(frames, session);
  console.log(`session file: ${(statSync(session).size / MB).toFixed(0)} MB, one connection`);
  run('analyze', ['analyze', session, '--no-progress']);
  run('export --out', ['export', session, '--out', path.join(dir, 'out.jsonl'), '--no-progress']);
  const pcap = path.join(dir, 'out.pcapng');
  run('export --pcapng', ['export', session, '--pcapng', pcap, '--no-progress']);
  run('export --redact --out', [
    'export',
    session,
    '--redact',
    '--out',
    path.join(dir, 'r.jsonl'),
    '--no-progress',
  ]);
  run('export --redact --pcapng', [
    'export',
    session,
    '--redact',
    '--pcapng',
    path.join(dir, 'r.pcapng'),
    '--no-progress',
  ]);
  run('export --har', ['export', session, '--har', path.join(dir, 'out.har'), '--no-progress']);
  const tshark = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find((p) => existsSync(p));
  if (tshark) {
    const started = performance.now();
    const out = execFileSync(tshark, ['-r', pcap, '-Y', 'websocket', '-T', 'fields', '-e', 'frame.number'], {
      maxBuffer: 1024 * MB,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let count = 0;
    for (const byte of out) if (byte === 10) count++;
    const expected = frames + 2; // + the two close frames
    console.log(
      `tshark -Y websocket: ${count.toLocaleString('en-US')} frames of ${expected.toLocaleString('en-US')} ` +
        `(${((performance.now() - started) / 1000).toFixed(1)} s)${count === expected ? '' : '  MISMATCH'}`,
    );
  } else console.log('tshark not found: frame count not checked');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
