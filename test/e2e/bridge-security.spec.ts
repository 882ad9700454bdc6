import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

let inspector: InspectorServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

function upgradeStatus(url: string, origin: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { origin });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

test('the API socket refuses a wrong token and a foreign origin with 403', async () => {
  const page = new URL(inspector.url);
  const api = `ws://${page.host}/api?token=`;
  const token = page.searchParams.get('token') ?? '';
  expect(await upgradeStatus(api + encodeURIComponent(token), page.origin)).toBe(101);
  expect(await upgradeStatus(`${api}wrong-token`, page.origin)).toBe(403);
  expect(await upgradeStatus(api + encodeURIComponent(token), 'http://attacker.example')).toBe(403);
});

test('a page opened with a wrong token shows that it is not connected to the core', async ({ page }) => {
  const ui = new InspectorPage(page);
  const wrong = new URL(inspector.url);
  wrong.searchParams.set('token', 'not-the-token');
  await ui.open(wrong.toString());
  await expect(page.getByTestId('link-banner')).toContainText('Disconnected from core — reconnecting…');
  await ui.screenshot('10-disconnected-banner');
});

test('serves the UI with a CSP that forbids inline scripts', async ({ request }) => {
  const response = await request.get(inspector.url);
  const csp = response.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe-inline');
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
});

test('when the core process goes away the page says so', async ({ page }) => {
  const own = await startInspectorServer();
  const ui = new InspectorPage(page);
  await ui.open(own.url);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('link-banner')).toHaveCount(0);
  await own.stop();
  await expect(page.getByTestId('link-banner')).toContainText('Disconnected from core');
});
