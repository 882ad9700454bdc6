// Helpers shared by the bench scripts: compiling the core into bench/results/build, and child processes that print
// one JSON line per answer.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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
