import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

test('connects to an echo server, shows the handshake, both frames, and a client close with 1000', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await ui.screenshot('01-empty-state');

  await ui.connect.to(servers.echo.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await expect(ui.connections.selected()).toContainText('HTTP 101');

  await ui.connection.tabHandshake().click();
  await expect(ui.handshake.requestLine()).toHaveText('GET /echo HTTP/1.1');
  await expect(ui.handshake.statusLine()).toHaveText('HTTP/1.1 101 Switching Protocols');
  await expect(ui.handshake.requestHeaders()).toContainText('Sec-WebSocket-Key');
  await expect(ui.handshake.responseHeaders()).toContainText('Sec-WebSocket-Accept');
  await expect(ui.handshake.accept()).toContainText('matches');
  await ui.screenshot('02-handshake');

  await ui.connection.tabTraffic().click();
  await ui.composer.sendText('hello inspector');
  await ui.traffic.framesMode().click();
  const up = ui.traffic.rowsByDir('c2s').filter({ hasText: 'hello inspector' });
  const down = ui.traffic.rowsByDir('s2c').filter({ hasText: 'hello inspector' });
  await expect(up).toHaveCount(1);
  await expect(down).toHaveCount(1);
  await expect(up).toContainText('↑');
  await expect(down).toContainText('↓');
  await expect(up).toContainText('text');
  // Time column: milliseconds relative to the connection start, e.g. "+12.345".
  await expect(up.locator('.cell.time:not(.delta)')).toHaveText(/^\+\d+\.\d{3}$/);
  await expect(down.locator('.cell.time:not(.delta)')).toHaveText(/^\+\d+\.\d{3}$/);

  await up.click();
  await expect(ui.traffic.detail()).toContainText('MASK');
  await expect(ui.traffic.detail()).toContainText('hello inspector');
  await ui.screenshot('03-frames-and-detail');

  await ui.composer.sendText('{"type":"greeting","items":[1,2,3],"nested":{"ok":true}}');
  await ui.traffic.messagesMode().click();
  const json = ui.traffic.rowsByDir('s2c').filter({ hasText: 'greeting' });
  await json.click();
  await expect(page.getByTestId('payload-tab-json')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('json-tree')).toContainText('"nested": {1 key}');
  await ui.screenshot('04-message-json');

  await page.getByTestId('row-filter').fill('GREETING');
  await expect(ui.traffic.rows()).toHaveCount(2);
  await page.getByTestId('dir-filter').selectOption('c2s');
  await expect(ui.traffic.rows()).toHaveCount(1);
  await page.getByTestId('row-filter').fill('no such text');
  await expect(page.getByText('No messages match the filter.')).toBeVisible();
  await page.getByTestId('row-filter').fill('');
  await page.getByTestId('dir-filter').selectOption('both');
  await expect(ui.traffic.rows()).toHaveCount(4);

  await ui.composer.closeCode().fill('1000');
  await ui.composer.closeReason().fill('done');
  await ui.composer.close().click();
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'closed');
  await expect(ui.connection.closeSummary()).toContainText('1000 Normal Closure');
  await expect(ui.connection.closeSummary()).toContainText('closed by client');
  await ui.traffic.framesMode().click();
  await expect(ui.traffic.rows().filter({ hasText: 'close' })).toHaveCount(2);
  await ui.screenshot('05-closed');

  // Round trip: save the live session, open the file, see the same frames read-only.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('save-session').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^wsi-session-.*\.jsonl$/);
  const saved = await download.path();
  const firstLine = JSON.parse(readFileSync(saved, 'utf8').split('\n')[0] ?? '{}') as { format?: string };
  expect(firstLine.format).toBe('wsi-session');
  await page.getByTestId('session-file-input').setInputFiles(saved);
  await expect(ui.connections.list()).toContainText('read-only');
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: 'hello inspector' })).toHaveCount(1);
});
