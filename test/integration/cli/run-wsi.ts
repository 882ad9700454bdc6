import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const exec = promisify(execFile);

/**
 * Compile main/ + shared/ into build/ (what bin/wsi.js runs). The whole tree must compile; when another change breaks
 * it for a moment, wait and retry.
 */
export async function buildCore(attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await exec('npm', ['run', 'build:core'], { cwd: root, timeout: 240_000 });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 15_000));
    }
  }
}

export interface WsiResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runWsi(args: string[], timeoutMs = 20_000): Promise<WsiResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/wsi.js', ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wsi ${args.join(' ')} did not exit in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Start wsi and hand back the child, for tests that signal or kill it mid-run. */
export function spawnWsi(args: string[]) {
  const child = spawn(process.execPath, ['bin/wsi.js', ...args], { cwd: root });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const output = (): string => stdout;
  const waitForOutput = async (pattern: RegExp, timeoutMs = 10_000): Promise<void> => {
    const started = Date.now();
    while (!pattern.test(stdout)) {
      if (Date.now() - started > timeoutMs) throw new Error(`no ${String(pattern)} in:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  return { child, exited, output, waitForOutput };
}
