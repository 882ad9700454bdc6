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

      // Served from the app's own scheme with its CSP, never from file://; paths out of the build are refused.
      const served = await window.evaluate(async () => {
        const inline = document.createElement('script');
        inline.textContent = 'window.__inlineRan = true';
        document.head.append(inline);
        const index = await fetch(location.href);
        const escape = await fetch('/..%2fpackage.json');
        return {
          href: location.href,
          inlineRan: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true,
          csp: index.headers.get('content-security-policy') ?? '',
          escape: escape.status,
        };
      });
      expect(served).toMatchObject({ href: 'wsi://app/index.html', inlineRan: false, escape: 400 });
      expect(served.csp).toContain("script-src 'self'");
      expect(served.csp).not.toContain('unsafe-inline');

      // The inspector window does not navigate away from its page.
      await window.evaluate(() => {
        location.href = 'https://example.invalid/';
      });
      await window.waitForTimeout(500);
      expect(window.url()).toBe('wsi://app/index.html');
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

      // The inspected page: popups and navigation to web pages only, never file:// or the app's own scheme.
      const inspected = app.windows().find((w) => w.url() === url);
      expect(inspected).toBeDefined();
      const refused = await inspected!.evaluate(() => ({
        file: globalThis.open('file:///etc/passwd') === null,
        app: globalThis.open('wsi://app/index.html') === null,
      }));
      expect(refused).toEqual({ file: true, app: true });
      await inspected!.evaluate(() => {
        location.href = 'file:///etc/passwd';
      });
      await inspected!.waitForTimeout(500);
      expect(inspected!.url()).toBe(url);
      const popup = app.waitForEvent('window');
      await inspected!.evaluate((u) => {
        globalThis.open(u);
      }, url);
      await (await popup).waitForURL(url);
    } finally {
      await app.close();
      wss.close();
      page.close();
    }
  });
});
