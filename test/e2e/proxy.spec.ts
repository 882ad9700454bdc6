import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { InspectorPage } from './support/inspector-page.js';
import { startInspectorServer } from './support/inspector-server.js';
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

test('a forward proxy names its CA, and a client that does not trust it shows a failed connection with the fix', async ({
  page,
}) => {
  // Its own inspector, with the CA in a temporary folder instead of the user's config.
  const configHome = mkdtempSync(path.join(os.tmpdir(), 'wsi-e2e-config-'));
  const inspector = await startInspectorServer([], { XDG_CONFIG_HOME: configHome });
  try {
    const ui = new InspectorPage(page);
    await ui.open(inspector.url);
    await page.getByTestId('proxy-options').click();
    await page.getByTestId('proxy-mode').selectOption('forward');
    await page.getByTestId('proxy-start').click();
    const item = page.getByTestId('proxy-item');
    await expect(item).toContainText('forward');
    const caPath = path.join(configHome, 'websocket-inspector', 'ca', 'ca-cert.pem');
    await expect(item.getByTestId('proxy-ca')).toContainText(caPath);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.getByTestId('proxy-ca-copy').click();
    await expect(page.getByTestId('proxy-ca-copy')).toHaveText('Copied ✓');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(caPath);
    const address = (await item.locator('code').first().textContent()) ?? '';

    // A Node client that trusts only the system roots, tunnelling to a wss:// host through the proxy.
    const tunnel = net.connect({ host: '127.0.0.1', port: Number(address.split(':')[1]) });
    tunnel.write('CONNECT chat.example.test:443 HTTP/1.1\r\nHost: chat.example.test:443\r\n\r\n');
    await new Promise((resolve) => tunnel.once('data', resolve));
    const secure = tls.connect({ socket: tunnel, servername: 'chat.example.test' });
    const refused = await new Promise<NodeJS.ErrnoException>((resolve) => secure.once('error', resolve));
    expect(refused.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');

    const failed = ui.connections.items().filter({ hasText: 'chat.example.test' });
    await expect(failed).toHaveCount(1);
    await failed.click();
    await page.getByTestId('tab-findings').click();
    const finding = page.getByTestId('finding').filter({ hasText: 'TLS_CLIENT_CLOSED_HANDSHAKE' });
    await expect(finding).toContainText("trust the inspector's CA certificate in that client");
    await ui.screenshot('15d-proxy-untrusted-ca');
  } finally {
    await inspector.stop();
    rmSync(configHome, { recursive: true, force: true });
  }
});
