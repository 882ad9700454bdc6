// Helpers shared by the bench scripts: compiling the core into bench/results/build, and child processes that print
// one JSON line per answer.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = path.join(root, 'bench', 'results', 'build');

/** Compiles main/ + shared/ into bench/results/build (`reuse`: keep an existing build). */
export function buildCore(reuse = false) {
  if (reuse && existsSync(path.join(buildDir, 'main/proxy/controller.js'))) return;
  try {
    execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.main.json',
        '--outDir',
        buildDir,
        '--sourceMap',
        'false',
      ],
      { cwd: root, stdio: 'pipe' },
    );
  } catch (error) {
    // tsc emits even with type errors elsewhere in the tree; only a missing output is fatal.
    if (!existsSync(path.join(buildDir, 'main/proxy/controller.js'))) throw error;
  }
}

/** Child processes of one bench run, stopped when it exits. */
export const children = [];
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
});

/**
 * Starts a node child that prints JSON lines; `next()` resolves with the next one, `send(text)` writes a line to its
 * stdin.
 */
export function startChild(script, childArgs, env = process.env) {
  const child = spawn(process.execPath, [path.join(root, script), ...childArgs], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  children.push(child);
  let buffer = '';
  const lines = [];
  const waiters = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const line = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const next = () =>
    lines.length ? Promise.resolve(lines.shift()) : new Promise((resolve) => waiters.push(resolve));
  return { child, next, send: (text) => child.stdin.write(text + '\n') };
}

export function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Counts records in a session file, reading on from where the last `update` stopped (the file may still be written):
 * frames, messages, data frames the client sent, drop reports, backpressure records, the worst capture lag.
 */
export class SessionCounter {
  constructor(file) {
    this.file = file;
    this.position = 0;
    this.rest = '';
    this.frames = 0;
    this.messages = 0;
    this.c2sData = 0;
    this.dropped = 0;
    this.backpressure = 0;
    this.maxLagMs = 0;
  }

  update() {
    let fd;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return;
    }
    const block = Buffer.alloc(4 * 1024 * 1024);
    for (;;) {
      const n = readSync(fd, block, 0, block.length, this.position);
      if (n === 0) break;
      this.position += n;
      const lines = (this.rest + block.toString('utf8', 0, n)).split('\n');
      this.rest = lines.pop();
      for (const line of lines) this.count(line);
    }
    closeSync(fd);
  }

  count(line) {
    if (line.startsWith('{"type":"message"')) this.messages++;
    else if (line.startsWith('{"type":"frame"')) {
      this.frames++;
      if (line.includes('"dir":"c2s"') && line.includes('"opcode":2,')) this.c2sData++;
    } else if (line.startsWith('{"type":"dropped"')) this.dropped++;
    else if (line.startsWith('{"type":"capture-backpressure"')) this.backpressure++;
    else if (line.startsWith('{"type":"capture-lag"')) {
      this.maxLagMs = Math.max(this.maxLagMs, JSON.parse(line).maxLagMs);
    }
  }
}
