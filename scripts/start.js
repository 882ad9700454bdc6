// `npm start`: the Electron app where a binary and a display exist; otherwise the same UI through the browser shell.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinary, hasDisplay, root, run } from './lib.js';

const forceBrowser = process.argv.includes('--browser');

if (
  !existsSync(join(root, 'build', 'main', 'bridge', 'serve.js')) ||
  !existsSync(join(root, 'build', 'renderer'))
) {
  console.log('Building the app (first run)...');
  if ((await run('npm', ['run', 'build'])) !== 0) process.exit(1);
}

async function ensureElectron() {
  if (electronBinary()) return { ok: true };
  console.log('Fetching the Electron binary (first run)...');
  const code = await run(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  return electronBinary() ? { ok: true } : { ok: false, why: `the download failed (exit code ${code})` };
}

let reason = 'started with --browser';
if (!forceBrowser) {
  if (!hasDisplay()) {
    reason = 'no display (DISPLAY is not set)';
  } else {
    const electron = await ensureElectron();
    if (electron.ok) process.exit(await run(electronBinary(), ['.']));
    reason = `no Electron binary: ${electron.why}`;
  }
}

console.log(`Electron is not used here (${reason}); starting the browser shell instead.`);
console.log(
  'Open the URL below in a browser. It carries a secret token; the server listens on 127.0.0.1 only.',
);
process.exit(
  await run(process.execPath, [
    join(root, 'build', 'main', 'bridge', 'serve.js'),
    ...process.argv.slice(2).filter((a) => a !== '--browser'),
  ]),
);
