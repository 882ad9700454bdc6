#!/usr/bin/env node
// Launcher for the compiled CLI (build/main/cli/wsi.js, produced by `npm run build:core`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = fileURLToPath(new URL('../build/main/cli/wsi.js', import.meta.url));
if (!existsSync(entry)) {
  process.stderr.write('wsi: the CLI is not built yet: run npm run build (or npm run build:core) first\n');
  process.exit(1);
}
const { main } = await import(pathToFileURL(entry).href);
await main();
