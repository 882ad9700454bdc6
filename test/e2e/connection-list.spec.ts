import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { createSessionHeader, serializeSession } from '../../shared/session/index.js';
import { conn } from '../unit/analysis/builders.js';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();
const VIEWPORT = { width: 1280, height: 800 };

/** How much of the connection list's scroll area is on screen, in pixels. */
async function visibleListHeight(page: Page): Promise<number> {
  const box = await page.getByRole('navigation', { name: 'Connections' }).boundingBox();
  if (!box) return 0;
  return Math.min(box.y + box.height, VIEWPORT.height) - Math.max(box.y, 0);
}

test('with Options and Proxy open at 1280×800 the list keeps its own scroll area, filter and selection', async ({
  page,
}) => {
  await page.setViewportSize(VIEWPORT);
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);

  // A storm of 40 short connections, then three of our own to tell apart.
  await ui.connect.url().fill(servers.echo.url);
  await page.getByTestId('storm-options').click();
  await page.getByTestId('storm-count').fill('40');
  await page.getByTestId('storm-start').click();
  await expect(page.getByTestId('notice')).toContainText('started 40 connections', { timeout: 30_000 });
  for (const room of ['alpha', 'beta', 'gamma']) await ui.connect.to(`${servers.echo.url}?room=${room}`);
  await expect(ui.connections.selected()).toContainText('room=gamma');

  // Both tall forms open: they scroll in their own area, the list stays on screen.
  await page.getByTestId('connect-options').click();
  await page.locator('.proxy-panel > summary').click();
  await expect(page.getByRole('form', { name: 'Start a proxy' })).toBeVisible();
  expect(await visibleListHeight(page)).toBeGreaterThanOrEqual(200);
  await expect(ui.connections.selected()).toBeInViewport();
  const forms = page.getByTestId('sidebar-forms');
  expect(await forms.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await ui.screenshot('connection-list-forms-open');

  // The list scrolls by itself; a new selection is scrolled into view.
  const list = ui.connections.list();
  await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(ui.connections.selected()).not.toBeInViewport();
  await ui.connect.to(`${servers.echo.url}?room=delta`);
  await expect(ui.connections.selected()).toContainText('room=delta');
  await expect(ui.connections.selected()).toBeInViewport();

  // The filter box: words of the URL, id or state.
  const filter = page.getByTestId('connection-filter');
  await filter.fill('room=beta');
  await expect(ui.connections.items()).toHaveCount(1);
  await expect(ui.connections.items()).toContainText('room=beta');
  await expect(page.getByTestId('connection-filter-count')).toHaveText('1 of 44');
  await filter.fill('nothing-like-this');
  await expect(ui.connections.items()).toHaveCount(0);
  await expect(list).toContainText('No connection matches “nothing-like-this”.');
  await filter.fill('');
  await expect(ui.connections.items().first()).toBeVisible();
  await ui.screenshot('connection-list-filter');
});

test('a connection opened from a file is read-only, never shown as open', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsi-list-'));
  try {
    // Recorded while open: no end record in the file.
    const events = conn('c1', 'client', 'ws://recorded.test/feed').handshake(0).text(5, 's2c').events;
    const file = path.join(dir, 'recorded-open.wsi.jsonl');
    writeFileSync(file, serializeSession({ header: createSessionHeader(1_700_000_000_000, 'test'), events }));

    await page.setViewportSize(VIEWPORT);
    const ui = new InspectorPage(page);
    await ui.open(servers.inspector.url);
    await page.getByTestId('session-file-input').setInputFiles(file);
    const item = ui.connections.items().filter({ hasText: 'recorded.test' });
    await expect(item).toHaveCount(1);
    await item.click();
    await expect(item.getByTestId('read-only-tag')).toHaveText('read-only');
    await expect(item.getByTestId('connection-state')).not.toHaveText(/open/i);
    await expect(page.getByTestId('header-state')).toHaveText('cut');
    await expect(ui.connection.header()).not.toContainText(/\bopen\b/i);
    await ui.screenshot('connection-list-read-only');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
