/**
 * Worker threads cannot load the TypeScript sources the tests run from, so tests of the capture workers compile
 * main/ + shared/ into a temporary folder (inside the repository, so it resolves node_modules like the real build)
 * and drive that build.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../..', import.meta.url));
const exec = promisify(execFile);

export interface CompiledCore {
  dir: string;
  load<T>(rel: string): Promise<T>;
  /** A script that runs the compiled `wsi` with its arguments (for child processes). */
  wsi: string;
  remove(): void;
}

export async function compileCore(): Promise<CompiledCore> {
  // bench/results is git-ignored, so a fresh clone does not have it.
  mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  const dir = mkdtempSync(path.join(root, 'bench', 'results', 'test-build-'));
  try {
    await exec(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.main.json', '--outDir', dir],
      { cwd: root, timeout: 240_000 },
    );
  } catch (error) {
    // Type errors elsewhere in a tree others are editing still emit; only missing output matters.
    if (!existsSync(path.join(dir, 'main/proxy/ring-capture-worker.js'))) throw error;
  }
  const wsi = path.join(dir, 'wsi-launcher.mjs');
  writeFileSync(
    wsi,
    `import { main } from ${JSON.stringify(pathToFileURL(path.join(dir, 'main/cli/wsi.js')).href)};\nawait main();\n`,
  );
  return {
    dir,
    wsi,
    load: async <T>(rel: string) => (await import(pathToFileURL(path.join(dir, rel)).href)) as T,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
