import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import {
  startEchoServer,
  startFloodServer,
  startRefusingServer,
  startTlsEchoServer,
} from './support/ws-servers.js';
import { selfSignedCert } from '../helpers/proxy-wire.js';

let inspector: InspectorServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

test('a refused handshake shows as failed, with the status line, headers and body', async ({ page }) => {
  const server = await startRefusingServer(403, 'token missing or expired');
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await ui.connect.to(server.url);
    await expect(ui.connections.selected()).toHaveAttribute('data-state', 'failed');
    await expect(ui.connections.selected()).toContainText('HTTP 403');
    await expect(ui.connection.closeSummary()).toHaveText('Handshake refused: HTTP 403 Forbidden');
    await ui.connection.tabHandshake().click();
    await expect(ui.handshake.statusLine()).toHaveText('HTTP/1.1 403 Forbidden');
    await expect(ui.handshake.responseHeaders()).toContainText('X-Reason');
    await expect(ui.handshake.panel()).toContainText('token missing or expired');
    await ui.screenshot('11-handshake-refused');
  } finally {
    await server.close();
  }
});

test('thousands of messages stay virtualized and the table follows the tail until the user scrolls up', async ({
  page,
}) => {
  const count = 3000;
  const server = await startFloodServer(count);
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await ui.connect.to(server.url);
    await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
    await ui.connection.tabTraffic().click();
    await ui.composer.sendText('go');
    const last = ui.traffic.rows().filter({ hasText: `{"n":${count},` });
    await expect(last).toBeVisible({ timeout: 20_000 });
    expect(await ui.traffic.rows().count()).toBeLessThan(120);
    await expect(ui.traffic.table()).toHaveAttribute('aria-rowcount', String(count + 1));
    await expect(page.getByTestId('follow-toggle')).toHaveAttribute('aria-pressed', 'true');
    await ui.screenshot('12-many-messages');

    await page.getByTestId('frames-scroll').hover();
    await page.mouse.wheel(0, -3000);
    await expect(page.getByTestId('follow-toggle')).toHaveAttribute('aria-pressed', 'false');
    await page.getByTestId('follow-toggle').click();
    await expect(last).toBeVisible();
  } finally {
    await server.close();
  }
});

test('the dark theme can be chosen and is readable', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connections.items().first().click();
  const toggle = page.getByTestId('theme-toggle');
  await toggle.click();
  await expect(toggle).toHaveText('Theme: dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await ui.screenshot('13-dark-theme');
});

test('custom headers and subprotocols are sent as typed; binary from hex and pings are sent too', async ({
  page,
}) => {
  const server = await startEchoServer();
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await page.getByTestId('connect-options').click();
    await page.getByTestId('connect-headers').fill('X-Custom-Header: Abc\nauthorization: Bearer t0k');
    await page.getByTestId('connect-protocols').fill('chat.v1, chat.v0');
    await ui.connect.to(server.url);
    await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');

    await ui.connection.tabHandshake().click();
    const names = await ui.handshake.requestHeaders().locator('th').allTextContents();
    expect(names).toContain('X-Custom-Header');
    expect(names).toContain('authorization');
    expect(names.indexOf('X-Custom-Header')).toBeLessThan(names.indexOf('authorization'));
    await expect(ui.handshake.requestHeaders()).toContainText(/chat\.v1, ?chat\.v0/);
    await expect(page.getByRole('region', { name: 'Negotiated' })).toContainText('Subprotocol: chat.v1');

    await ui.connection.tabTraffic().click();
    await page.getByTestId('composer-encoding').selectOption('hex');
    await ui.composer.sendText('de ad be ef');
    await ui.composer.ping().click();
    await ui.traffic.framesMode().click();
    await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'de ad be ef' })).toContainText('binary');
    await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: 'ping' })).toHaveCount(1);
    await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'pong' })).toHaveCount(1);
    await ui.screenshot('14-binary-and-ping');
  } finally {
    await server.close();
  }
});

test('a wss:// handshake shows its TLS: protocol, cipher, the certificate, and that it was accepted untrusted', async ({
  page,
}) => {
  const server = await startTlsEchoServer(selfSignedCert());
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await ui.connect.url().fill(server.url);
    await page.getByTestId('connect-options').click();
    await page.getByTestId('connect-insecure').check();
    await ui.connect.submit().click();
    await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
    await ui.connection.tabHandshake().click();
    const summary = page.getByTestId('tls-summary');
    await expect(summary).toContainText(/TLSv1\.3 · TLS_AES_\w+/);
    await expect(summary).toContainText('Certificate: CN=localhost, issued by CN=localhost');
    await expect(page.getByTestId('tls-trust')).toHaveText(
      'NOT trusted for 127.0.0.1: DEPTH_ZERO_SELF_SIGNED_CERT (accepted because invalid certificates were allowed)',
    );
    await ui.screenshot('11b-handshake-tls');
    await page.getByTestId('tab-findings').click();
    const summaryTls = page
      .getByRole('region', { name: 'Summary' })
      .locator('div', { has: page.locator('dt', { hasText: /^TLS$/ }) })
      .locator('dd');
    await expect(summaryTls).toHaveText(
      /^TLSv1\.3 · TLS_AES_\w+; NOT trusted for 127\.0\.0\.1: DEPTH_ZERO_SELF_SIGNED_CERT/,
    );
    await expect(page.getByTestId('finding').filter({ hasText: 'tls.untrusted' })).toContainText(
      'Certificate not trusted for 127.0.0.1, accepted anyway',
    );
  } finally {
    await server.close();
  }
});
