import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';
import { startClosingServer } from './support/ws-servers.js';

let inspector: InspectorServer;
let server: TestWsServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  server = await startClosingServer(4001, 'session expired');
});

test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

test("shows the server's 4001 close with its reason, attributed to the server", async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(server.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await ui.composer.sendText('trigger');

  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'closed');
  const summary = ui.connection.closeSummary();
  await expect(summary).toContainText('4001 Private use');
  await expect(summary).toContainText('“session expired”');
  await expect(summary).toContainText('closed by server');
  await expect(ui.connections.selected()).toContainText('4001');

  await ui.traffic.framesMode().click();
  const serverClose = ui.traffic.rowsByDir('s2c').filter({ hasText: 'close' });
  await expect(serverClose).toContainText('4001 session expired');
  await serverClose.click();
  await expect(ui.traffic.detail()).toContainText('Close code4001 Private use');
  await expect(ui.traffic.detail()).toContainText('session expired');
  await ui.screenshot('06-server-close-4001');
});
