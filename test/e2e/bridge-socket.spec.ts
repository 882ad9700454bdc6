import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

async function echoRoundTrip(page: Page, ui: InspectorPage, text: string): Promise<void> {
  await ui.connect.to(servers.echo.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await ui.composer.sendText(text);
  await ui.traffic.framesMode().click();
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: text })).toHaveCount(1);
  await expect(page.getByTestId('link-banner')).toHaveCount(0);
}

test('the page reads the bridge in a worker of its own', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await expect.poll(() => page.workers().some((worker) => worker.url().includes('socket-worker'))).toBe(true);
  await echoRoundTrip(page, ui, 'through the socket worker');
});

test('a page whose socket worker cannot load uses its own WebSocket and still connects', async ({ page }) => {
  const blocked: string[] = [];
  await page.route(/socket-worker[^/]*\.js/, (route) => {
    blocked.push(route.request().url());
    return route.abort();
  });
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await expect.poll(() => blocked.length).toBeGreaterThan(0);
  await echoRoundTrip(page, ui, 'through the page socket');
  expect(page.workers().some((worker) => worker.url().includes('socket-worker'))).toBe(false);
});
