// Checks the packaging layout offline: electron-builder --dir against a stand-in Electron distribution, then verifies
// that the app archive holds what the app needs at run time and nothing it must not ship, and that electron-builder
// flipped the fuses the app requires (the stand-in binary carries a fuse wire in Electron's default states).
// Needs the build (npm run build).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { root, run } from './lib.js';
import { defaultFuseWire, fuseProblems, readFuseWire } from '../build/main/electron/fuses.js';

const require = createRequire(import.meta.url);
const asar = require('@electron/asar');

const work = mkdtempSync(join(tmpdir(), 'wsi-package-'));
const fakeDist = join(work, 'electron-dist');
mkdirSync(join(fakeDist, 'resources'), { recursive: true });
writeFileSync(
  join(fakeDist, 'electron'),
  Buffer.concat([Buffer.from('#!/bin/sh\necho "stand-in Electron binary"\nexit 0\n'), defaultFuseWire()]),
);
chmodSync(join(fakeDist, 'electron'), 0o755);
writeFileSync(join(fakeDist, 'LICENSE'), 'stand-in');
const electronVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies.electron;
writeFileSync(join(fakeDist, 'version'), electronVersion);

const out = join(work, 'out');
const code = await run('npx', [
  'electron-builder',
  '--dir',
  '--linux',
  `-c.electronDist=${fakeDist}`,
  `-c.directories.output=${out}`,
]);
let failures = code === 0 ? [] : [`electron-builder exited with ${code}`];

if (code === 0) {
  const files = new Set(
    asar.listPackage(join(out, 'linux-unpacked', 'resources', 'app.asar')).map((f) => f.replace(/\\/g, '/')),
  );
  const required = [
    '/package.json',
    '/build/main/electron/main.js',
    '/build/main/electron/preload.cjs',
    '/build/main/core/inspector.js',
    '/build/renderer/index.html',
    '/node_modules/ws/package.json',
  ];
  for (const file of required) if (!files.has(file)) failures.push(`missing from app.asar: ${file}`);
  const forbidden = [...files].filter(
    (f) =>
      /^\/(test|renderer|main|shared)\//.test(f) ||
      (f.endsWith('.ts') && !f.endsWith('.d.ts')) ||
      f.startsWith('/node_modules/electron/'),
  );
  for (const file of forbidden.slice(0, 10)) failures.push(`must not be packaged: ${file}`);
  console.log(`app.asar holds ${files.size} entries`);

  const wire = readFuseWire(readFileSync(join(out, 'linux-unpacked', 'websocket-inspector')));
  failures = failures.concat(fuseProblems(wire).map((problem) => `packaged binary: ${problem}`));
  console.log(`fuses: ${JSON.stringify(wire)}`);
}

rmSync(work, { recursive: true, force: true });
if (failures.length) {
  for (const f of failures) console.error(`packaging: ${f}`);
  process.exit(1);
}
console.log('packaging layout ok');
