import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';
import { startDroppingServer, startEchoServer, startRefusingServer } from './support/ws-servers.js';

let inspector: InspectorServer;
let working: TestWsServer;
let refusing: TestWsServer;
let dropping: TestWsServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  working = await startEchoServer();
  refusing = await startRefusingServer(403, 'no token');
  dropping = await startDroppingServer(150);
});

test.afterAll(async () => {
  await inspector?.stop();
  await working?.close();
  await refusing?.close();
  await dropping?.close();
});

test('compare a working (101) and a refused (403) handshake side by side', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('connect-options').click();
  await page.getByTestId('connect-headers').fill('X-Trace: abc\nAuthorization: Bearer t0k');
  await ui.connect.to(working.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await page.getByTestId('connect-headers').fill('X-Client: test');
  await ui.connect.to(refusing.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'failed');

  // Select the working one, then Alt+click the refused one to compare.
  await ui.connections.items().filter({ hasText: '/echo' }).click();
  await ui.connections
    .items()
    .filter({ hasText: '/private' })
    .click({ modifiers: ['Alt'] });
  await expect(ui.handshake.panel()).toBeVisible();
  const result = page.getByTestId('compare-result');
  await expect(result).toBeVisible();

  const lines = result.getByRole('table', { name: 'Start lines compared' });
  await expect(lines.getByTestId('line-diff').filter({ hasText: 'Status line' })).toHaveAttribute(
    'data-change',
    'changed',
  );
  await expect(lines).toContainText('HTTP/1.1 101 Switching Protocols');
  await expect(lines).toContainText('HTTP/1.1 403 Forbidden');
  await expect(lines.getByTestId('line-diff').filter({ hasText: 'Request line' })).toContainText('≠ changed');

  const request = page.getByTestId('compare-request');
  const row = (section: typeof request, name: string) =>
    section.getByTestId('diff-row').filter({ has: page.getByRole('rowheader', { name, exact: false }) });
  await expect(row(request, 'X-Trace')).toHaveAttribute('data-change', 'removed');
  await expect(row(request, 'X-Trace')).toContainText('− removed');
  await expect(row(request, 'X-Client')).toHaveAttribute('data-change', 'added');
  await expect(row(request, 'X-Client')).toContainText('+ added');
  await expect(row(request, 'Host')).toHaveAttribute('data-change', 'changed');
  await expect(row(request, 'Sec-WebSocket-Version')).toHaveAttribute('data-change', 'same');
  await expect(row(request, 'Upgrade')).toContainText('hop-by-hop');

  const response = page.getByTestId('compare-response');
  await expect(row(response, 'Sec-WebSocket-Accept')).toHaveAttribute('data-change', 'removed');
  await expect(row(response, 'X-Reason')).toHaveAttribute('data-change', 'added');
  await expect(response.getByTestId('diff-counts')).toContainText(/\d+ added · \d+ removed/);
  await ui.screenshot('compare-handshakes', page.getByTestId('compare-panel'));

  // The picker offers the same choice; stopping clears it.
  await page.getByRole('button', { name: 'Stop comparing' }).click();
  await expect(result).toHaveCount(0);
  await page.getByTestId('compare-select').selectOption({ index: 1 });
  await expect(page.getByTestId('compare-result')).toBeVisible();
});

test('a reconnect chain is grouped in the list, and the timeline shows all attempts', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('connect-options').click();
  await page.getByTestId('connect-headers').fill('');
  await page.getByTestId('connect-reconnect').check();
  await page.getByTestId('connect-reconnect-first').fill('0.2');
  await page.getByTestId('connect-reconnect-max').fill('0.4');
  await page.getByTestId('connect-reconnect-attempts').fill('2');
  await ui.connect.to(dropping.url);

  const group = page.getByTestId('reconnect-group').filter({ hasText: dropping.url });
  await expect(group.getByTestId('reconnect-group-outcomes')).toHaveText('3 attempts · 3 closed', {
    timeout: 15_000,
  });
  await ui.screenshot('reconnect-group', ui.connections.list());
  await group.click();
  await expect(group).toHaveAttribute('aria-expanded', 'false');
  await expect(ui.connections.items().filter({ hasText: 'reconnect #' })).toHaveCount(0);
  await group.click();
  await expect(ui.connections.items().filter({ hasText: 'reconnect #' })).toHaveCount(2);

  await ui.connections.items().filter({ hasText: 'reconnect #2' }).click();
  await page.getByTestId('tab-timeline').click();
  await expect(page.getByTestId('timeline-row')).toHaveCount(1);
  await page.getByTestId('all-attempts').check();
  await expect(page.getByTestId('timeline-row')).toHaveCount(3);
  await expect(page.getByTestId('close-marker')).toHaveCount(3);
  await ui.screenshot('timeline-all-attempts', page.getByTestId('timeline-panel'));
});
