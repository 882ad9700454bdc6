import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const serveJs = path.join(repoRoot, 'build', 'main', 'bridge', 'serve.js');

let built = false;

/**
 * Build once per worker so the tests drive the current code. `E2E_SKIP_BUILD=1` reuses an existing build. When the full
 * build fails, falls back to tsc + vite; tsc still emits JavaScript on type errors, so a type error elsewhere in the tree
 * (type checking is its own CI step) does not stop the UI tests as long as both outputs exist.
 */
export function ensureBuilt(): void {
  if (built || (process.env.E2E_SKIP_BUILD === '1' && existsSync(serveJs))) return;
  const full = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (full.status !== 0) {
    const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.main.json'], { cwd: repoRoot, stdio: 'inherit' });
    const vite = spawnSync('npx', ['vite', 'build', '--config', 'renderer/vite.config.ts'], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (vite.status !== 0 || !existsSync(serveJs)) throw new Error('building the app failed');
    if (tsc.status !== 0)
      console.warn('e2e: tsc reported type errors; testing the JavaScript it emitted anyway');
  }
  built = true;
}

export interface InspectorServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Spawn the real browser shell (`node build/main/bridge/serve.js`) and read its URL line from stdout. */
export async function startInspectorServer(
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<InspectorServer> {
  ensureBuilt();
  const child = spawn(process.execPath, [serveJs, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(
      () => reject(new Error(`serve.js printed no URL in 15 s. stderr: ${stderr}`)),
      15_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^Inspector UI: (\S+)$/m.exec(stdout);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve.js exited with ${code}. stderr: ${stderr}`));
    });
  });
  return {
    url,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
