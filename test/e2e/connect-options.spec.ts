import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';
import { startDroppingServer, startEchoServer } from './support/ws-servers.js';
import { startRawServer, switchingProtocols } from '../helpers/raw-servers.js';

let inspector: InspectorServer;
let server: TestWsServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  server = await startDroppingServer(150);
});

test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

test('bearer credentials go into the upgrade request; abnormal ends are retried with backoff', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('connect-options').click();
  await page.getByTestId('connect-auth').selectOption('bearer');
  await page.getByTestId('connect-token').fill('s3cret');
  await page.getByTestId('connect-reconnect').check();
  await page.getByTestId('connect-reconnect-first').fill('0.2');
  await page.getByTestId('connect-reconnect-max').fill('0.4');
  await page.getByTestId('connect-reconnect-attempts').fill('2');
  await ui.screenshot('16-connect-options', page.getByRole('form', { name: 'Connect' }));
  await ui.connect.to(server.url);

  await expect(ui.connections.items()).toHaveCount(3, { timeout: 15_000 });
  await expect(ui.connections.list()).toContainText('reconnect #1');
  await expect(ui.connections.list()).toContainText('reconnect #2');

  // The first attempt shows the chain's real state once it gave up, not its own stale "scheduled" notice.
  const first = ui.connections.items().last();
  await first.click();
  const status = page.getByTestId('reconnect-status');
  await expect(status).toContainText(
    'Reconnect attempt 1 followed this one. Gave up reconnecting after 2 attempts.',
    { timeout: 10_000 },
  );
  await expect(status).not.toContainText('scheduled');
  await expect(page.getByTestId('stop-reconnect')).toHaveCount(0);
  await expect(ui.connection.closeSummary()).toContainText('1006');
  await ui.connection.tabHandshake().click();
  await expect(ui.handshake.requestHeaders()).toContainText('AuthorizationBearer s3cret');

  await ui.connections.items().first().click();
  await expect(status).toContainText('Gave up reconnecting after 2 attempts.');
  await expect(page.getByTestId('stop-reconnect')).toHaveCount(0);
  await ui.screenshot('17-reconnect-chain');

  // "Connect again" on an ended attempt: a new chain with the same options (the bearer token, the 2 reconnects).
  await first.click();
  await page.getByTestId('connect-again').click();
  await expect(ui.connections.items()).toHaveCount(6, { timeout: 15_000 });
  await expect(ui.connections.selected()).not.toContainText('reconnect #');
  await ui.connection.tabHandshake().click();
  await expect(ui.handshake.requestHeaders()).toContainText('AuthorizationBearer s3cret');
});

test('headers whose names differ only in case go out exactly as typed in the connect form', async ({
  page,
}) => {
  const heads: string[] = [];
  const raw = await startRawServer((socket, upgrade) => {
    heads.push(upgrade.head);
    socket.write(switchingProtocols(upgrade));
  });
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await page.getByTestId('connect-options').click();
    await page.getByTestId('connect-headers').fill('X-Dup: 1\nx-dup: 2\nX-Other: a\nX-DUP: 3');
    await ui.connect.to(raw.url);
    await expect.poll(() => heads.length).toBe(1);
    const lines = (heads[0] ?? '').split('\r\n').filter((line) => /^x-(dup|other):/i.test(line));
    expect(lines).toEqual(['X-Dup: 1', 'x-dup: 2', 'X-Other: a', 'X-DUP: 3']);
    await ui.connection.tabHandshake().click();
    await expect(ui.handshake.requestHeaders()).toContainText('x-dup2');
  } finally {
    await raw.close();
  }
});

test('a pong timeout set in the connect form drops a connection whose server never answers pings', async ({
  page,
}) => {
  const raw = await startRawServer((socket, upgrade) => socket.write(switchingProtocols(upgrade)));
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await page.getByTestId('connect-options').click();
    await page.getByTestId('connect-heartbeat').selectOption('ping');
    await page.getByTestId('connect-heartbeat-seconds').fill('0.2');
    await page.getByTestId('connect-pong-timeout').fill('0.5');
    await ui.connect.to(raw.url);
    await expect(ui.connection.closeSummary()).toContainText('1006', { timeout: 10_000 });
    await page.getByTestId('tab-findings').click();
    await expect(page.getByTestId('finding').filter({ hasText: 'heartbeat.pong-timeout' })).toContainText(
      'The client dropped the connection: no pong within its pong timeout (500 ms)',
    );
  } finally {
    await raw.close();
  }
});

test('a storm of 300 connections fills a virtualized connection list', async ({ page }) => {
  const echo = await startEchoServer();
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await ui.connect.url().fill(echo.url);
    await page.getByTestId('storm-options').click();
    await page.getByTestId('storm-count').fill('300');
    await page.getByTestId('storm-start').click();
    await expect(page.getByTestId('notice')).toContainText('started 300 connections', { timeout: 30_000 });
    await expect(ui.connections.list().locator('[data-state="closed"]').first()).toBeVisible();
    expect(await ui.connections.items().count()).toBeLessThan(60);
    await ui.connections.items().first().click();
    await ui.screenshot('18-storm');
  } finally {
    await echo.close();
  }
});
