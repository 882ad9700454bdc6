import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

/** A plain client talking through the proxy: one message, its echo, then a normal close. */
function talkThrough(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => ws.send('via proxy'));
    ws.on('message', (data: Buffer) => {
      ws.close(1000, 'bye');
      resolve(data.toString());
    });
    ws.on('error', reject);
  });
}

test('starts a reverse proxy from the UI and shows the proxied connection', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await page.getByTestId('proxy-options').click();
  await page.getByTestId('proxy-target').fill(servers.echo.url.replace('/echo', ''));
  await page.getByTestId('proxy-start').click();
  const item = page.getByTestId('proxy-item');
  await expect(item).toContainText('reverse');
  const address = (await item.locator('code').textContent()) ?? '';
  expect(address).toMatch(/^127\.0\.0\.1:\d+$/);

  expect(await talkThrough(`ws://${address}/echo`)).toBe('via proxy');
  const proxied = ui.connections.items().first();
  await proxied.click();
  await expect(proxied).toContainText('proxied');
  await ui.traffic.framesMode().click();
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: 'via proxy' })).toHaveCount(1);
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'via proxy' })).toHaveCount(1);
  await expect(ui.composer.root()).toHaveCount(0);
  await expect(item).toContainText(/\d+ connections?/);
  await ui.screenshot('15-proxy');
  await ui.connection.tabHandshake().click();
  await expect(ui.handshake.statusLine().first()).toHaveText('HTTP/1.1 101 Switching Protocols');
  await expect(page.getByTestId('header-diff')).toContainText('Host');
  await ui.screenshot('15b-proxy-handshake');
  await ui.screenshot('15c-header-diff', page.getByTestId('header-diff'));
  await ui.connection.tabTraffic().click();

  await page.getByTestId('proxy-stop').click();
  await expect(item).toHaveCount(0);
});
