import { expect, test } from '@playwright/test';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

test('Replay connection… and Replay selected messages: a new connection, the comparison side by side', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await ui.connect.to(servers.echo.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  for (const text of ['first', 'second', 'third']) {
    await ui.composer.sendText(text);
    await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: text })).toHaveCount(1);
  }
  await ui.composer.close().click();
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'closed');

  await page.getByTestId('replay-open').click();
  const form = page.getByRole('form', { name: 'Replay connection' });
  await expect(page.getByTestId('replay-message')).toHaveCount(3);
  await page.getByTestId('replay-speed').fill('fast');
  await page.getByTestId('replay-all').click();
  await expect(form.getByRole('alert')).toHaveText('Speed must be a number from 0.01 to 1000, or max.');
  await expect(ui.connections.items()).toHaveCount(1);

  await page.getByTestId('replay-speed').fill('4');
  await page.getByTestId('replay-all').click();
  await expect(page.getByTestId('replay-comparison')).toBeVisible({ timeout: 15_000 });
  await expect(ui.connections.items()).toHaveCount(2);
  await expect(page.getByTestId('replay-client-row')).toHaveCount(3);
  await expect(page.getByTestId('replay-server').locator('caption')).toHaveText('Server messages (0 differ)');
  await expect(page.getByTestId('replay-server-row').nth(1)).toContainText('"second"');
  await expect(page.getByTestId('replay-summary')).toContainText(
    'Ended: original close 1000 by the client; replay close 1000 by the client.',
  );
  await ui.screenshot('37-replay-comparison', form);

  await page.getByTestId('replay-message').nth(0).uncheck();
  await page.getByTestId('replay-message').nth(2).uncheck();
  await page.getByTestId('replay-selected').click();
  await expect(ui.connections.items()).toHaveCount(3, { timeout: 15_000 });
  await expect(page.getByTestId('replay-client-row')).toHaveCount(1);
  await expect(page.getByTestId('replay-client-row')).toContainText('"second"');

  await page.getByTestId('replay-show').click();
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: 'second' })).toHaveCount(1);
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: 'first' })).toHaveCount(0);
});
