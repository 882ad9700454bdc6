// The Electron shell end to end. Runs wherever an Electron binary is installed; says plainly that it skipped otherwise.
import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function electronBinary(): string | null {
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = electronBinary();
const displayless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const skipReason = !binary
  ? 'SKIPPED: no Electron binary is installed here (node node_modules/electron/install.js needs the network)'
  : displayless
    ? 'SKIPPED: no display for Electron (run under xvfb-run)'
    : '';
if (skipReason) console.log(`electron.spec.ts ${skipReason}`);

test.describe('Electron shell', () => {
  test.skip(Boolean(skipReason), skipReason);

  test('opens the inspector window with the preload API and no Node in the page', async () => {
    const app = await electron.launch({ executablePath: binary ?? undefined, args: [root, '--no-sandbox'] });
    try {
      const window = await app.firstWindow();
      await expect(window).toHaveTitle(/WebSocket Inspector/);
      const shape = await window.evaluate(() => ({
        hasApi:
          typeof (window as unknown as { inspector?: { getInfo?: unknown } }).inspector?.getInfo ===
          'function',
        hasRequire: typeof (window as unknown as { require?: unknown }).require !== 'undefined',
      }));
      expect(shape).toEqual({ hasApi: true, hasRequire: false });
      const info = await window.evaluate(() =>
        (window as unknown as { inspector: { getInfo(): Promise<{ shell: string }> } }).inspector.getInfo(),
      );
      expect(info.shell).toBe('electron');
      await window.screenshot({ path: 'test-results/screenshots/electron-window.png' });
    } finally {
      await app.close();
    }
  });

  test("an inspected browser window captures a page's WebSocket through the forward proxy", async () => {
    const page = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<script>const ws = new WebSocket('ws://' + location.host + '/ws');
        ws.onopen = () => ws.send('from the inspected page');</script>`);
    });
    const wss = new WebSocketServer({ server: page, path: '/ws' });
    wss.on('connection', (socket) => socket.on('message', (data) => socket.send(data)));
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    const app = await electron.launch({ executablePath: binary ?? undefined, args: [root, '--no-sandbox'] });
    try {
      const window = await app.firstWindow();
      type Api = {
        openInspectedBrowser(r: { url: string }): Promise<unknown>;
        snapshot(): Promise<{ events: { type: string; frame?: { data: string } }[] }>;
      };
      await window.evaluate(
        (u) => (window as unknown as { inspector: Api }).inspector.openInspectedBrowser({ url: u }),
        url,
      );
      await expect
        .poll(async () => {
          const snapshot = await window.evaluate(() =>
            (window as unknown as { inspector: Api }).inspector.snapshot(),
          );
          return snapshot.events.some(
            (e) => e.type === 'frame' && e.frame?.data === btoa('from the inspected page'),
          );
        })
        .toBe(true);
    } finally {
      await app.close();
      wss.close();
      page.close();
    }
  });
});
