import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { ensureBuilt, repoRoot, startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

const CONNECTIONS = 10_000;

let inspector: InspectorServer;
let file: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ensureBuilt();
  file = path.join(mkdtempSync(path.join(tmpdir(), 'wsi-e2e-storm-')), 'storm.jsonl');
  // 100 clients × 100 reconnect attempts, each a short connection (bench/storm-session.js, also the bench's file).
  execFileSync(process.execPath, [path.join(repoRoot, 'bench/storm-session.js'), String(CONNECTIONS), file]);
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

test('a session of 10,000 connections: the list counts them, filters and selects one, search and timeline stay bounded', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(file);
  await expect(page.getByTestId('session-progress')).toHaveCount(0, { timeout: 120_000 });

  const filter = page.getByTestId('connection-filter');
  await filter.fill('storm.local');
  await expect(page.getByTestId('connection-filter-count')).toHaveText('10000 of 10000');
  // Virtualized: only the entries on screen are in the page.
  expect(await ui.connections.items().count()).toBeLessThan(60);

  // Newest first: client 99's group at the top, client 0's attempts at the end, drawn when scrolled to.
  const list = ui.connections.list();
  await list.evaluate((el) => el.scrollTo({ top: 0 }));
  await expect(page.getByTestId('reconnect-group').first()).toContainText('client=99');
  await expect(page.getByTestId('reconnect-group').first()).toContainText('100 attempts');
  await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(ui.connections.items().filter({ hasText: 'client=0' }).first()).toBeVisible();

  // Attempt 4321 is c4321: client 43's attempt #20.
  await filter.fill('client=43 c4321');
  await expect(ui.connections.items()).toHaveCount(1);
  await expect(page.getByTestId('connection-filter-count')).toHaveText(`1 of ${CONNECTIONS}`);
  await ui.connections.items().click();
  await expect(ui.connection.header()).toContainText('ws://storm.local/feed?client=43');
  await expect(ui.connection.header()).toContainText('reconnect #20 after c4320');
  await expect(ui.traffic.rows().filter({ hasText: 'hello from attempt 4321' })).toHaveCount(1);

  // All 100 attempts of client 43 on the timeline, with nothing drawn per event beyond the lanes' marks.
  await page.getByTestId('tab-timeline').click();
  await page.getByTestId('all-attempts').check();
  await expect(page.getByTestId('timeline-row')).toHaveCount(100);

  // Search all connections finds the ten replies with the rare word among 40,000 messages.
  await page.getByTestId('session-search-input').fill('rare-needle');
  await expect(page.getByTestId('session-search-status')).toHaveText('10 matches in 10 connections', {
    timeout: 60_000,
  });
  // The second match: attempt 2000, client 19's last.
  await page.getByTestId('session-search-match').nth(1).click();
  await expect(ui.connection.header()).toContainText('ws://storm.local/feed?client=19');
  await expect(page.locator('[data-testid="frame-row"][aria-selected="true"]')).toContainText(
    'welcome 2000 rare-needle',
  );
});
