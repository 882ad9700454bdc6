import { expect, test } from '@playwright/test';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

test('searches all connections, groups the matches by connection, and a click opens the matching row', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);

  const sent: Record<string, string[]> = {
    alpha: ['hello', 'order apple-42', 'bye'],
    beta: ['weather report', 'nothing to see'],
    gamma: ['order banana-7', 'tick', 'tock'],
  };
  for (const [room, messages] of Object.entries(sent)) {
    await ui.connect.to(`${servers.echo.url}?room=${room}`);
    await expect(ui.connections.selected()).toContainText(`room=${room}`);
    await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
    for (const message of messages) {
      await ui.composer.sendText(message);
      // The echo server sends every message back: two rows per message.
      await expect(ui.traffic.rows().filter({ hasText: message })).toHaveCount(2);
    }
  }
  // A row filter on gamma that a jump must clear to show its match.
  await page.getByTestId('row-filter').fill('tock');
  await expect(ui.traffic.rows()).toHaveCount(2);

  const search = page.getByTestId('session-search-input');
  await search.fill('ORDER');
  const groups = page.getByTestId('session-search-group');
  await expect(groups).toHaveCount(2);
  await expect(page.getByTestId('session-search-status')).toHaveText('4 matches in 2 connections');
  await expect(groups.nth(0)).toContainText('room=alpha');
  await expect(groups.nth(1)).toContainText('room=gamma');
  await expect(groups.nth(0).getByTestId('session-search-count')).toHaveText('2');
  const matches = page.getByTestId('session-search-match');
  await expect(matches).toHaveCount(4);
  await expect(matches.nth(0)).toContainText('order apple-42');
  await expect(matches.nth(0)).toContainText('↑');
  await expect(matches.nth(1)).toContainText('↓');
  await ui.screenshot('session-search');

  // A click on alpha's echoed match: alpha is selected, its table unfiltered, the row selected and on screen.
  await matches.nth(1).click();
  await expect(ui.connections.selected()).toContainText('room=alpha');
  await expect(page.getByTestId('row-filter')).toHaveValue('');
  await expect(ui.traffic.rows()).toHaveCount(6);
  const selectedRow = page.locator('[data-testid="frame-row"][aria-selected="true"]');
  await expect(selectedRow).toContainText('order apple-42');
  await expect(selectedRow).toHaveAttribute('data-dir', 's2c');
  await expect(selectedRow).toBeInViewport();
  await expect(ui.traffic.detail()).toContainText('order apple-42');
  await expect(matches.nth(1)).toHaveAttribute('aria-current', 'true');

  // Changing the text cancels the search and starts over: a regex, and one with no match.
  await page.getByTestId('session-search-regex').click();
  await search.fill('banana-\\d$');
  await expect(groups).toHaveCount(1);
  await expect(groups).toContainText('room=gamma');
  await groups.click();
  await expect(ui.connections.selected()).toContainText('room=gamma');
  await expect(selectedRow).toContainText('order banana-7');
  await search.fill('(a+)+');
  await expect(page.getByTestId('session-search-status')).toContainText('Nested quantifiers');
  await search.fill('no such words');
  await expect(page.getByTestId('session-search-status')).toHaveText('No matches in any connection.');
  await expect(groups).toHaveCount(0);

  // Live: a new message in beta that matches shows up in the results without typing again.
  await search.fill('weather|storm');
  await expect(groups).toHaveCount(1);
  await ui.connections.items().filter({ hasText: 'room=beta' }).click();
  await ui.composer.sendText('storm warning');
  await expect(groups.getByTestId('session-search-count')).toHaveText('4');
});
