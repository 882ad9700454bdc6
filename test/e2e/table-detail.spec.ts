import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WebSocketServer } from 'ws';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

/** Sends a fixed, varied feed on connect (text, JSON, binary, ping), compressed with permessage-deflate. */
async function startFeedServer(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: { threshold: 0, serverNoContextTakeover: true, serverMaxWindowBits: 10 },
  });
  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    socket.send('plain hello');
    socket.send(
      JSON.stringify({ type: 'tick', n: 42, nested: { deep: { leaf: 'deepest value' } }, list: [1, 2] }),
    );
    socket.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    socket.ping('are you there');
    socket.send(`long ${'x'.repeat(600)}`);
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/feed`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

let inspector: InspectorServer;
let feed: Awaited<ReturnType<typeof startFeedServer>>;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  feed = await startFeedServer();
});

test.afterAll(async () => {
  await inspector?.stop();
  await feed?.close();
});

test('filters by type, size and regex, shows Δ, moves with the keyboard, and details a compressed JSON message', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(feed.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await expect(ui.traffic.rows()).toHaveCount(6);

  // Types: binary only, then text only.
  for (const type of ['text', 'ping', 'pong', 'close', 'continuation'])
    await page.getByTestId(`type-${type}`).click();
  await expect(ui.traffic.rows()).toHaveCount(1);
  await expect(ui.traffic.rows()).toContainText('de ad be ef');
  await page.getByTestId('type-text').click();
  await page.getByTestId('type-binary').click();
  await expect(ui.traffic.rows()).toHaveCount(3);

  // Size: at least 100 bytes keeps the long one.
  await page.getByTestId('size-min').fill('100');
  await expect(ui.traffic.rows()).toHaveCount(1);
  await expect(ui.traffic.rows()).toContainText('long xxx');
  await page.getByTestId('size-min').fill('');
  for (const type of ['binary', 'ping', 'pong', 'close', 'continuation'])
    await page.getByTestId(`type-${type}`).click();
  await expect(ui.traffic.rows()).toHaveCount(6);

  // Regex, and an invalid one reported inline without breaking the table.
  await page.getByTestId('regex-toggle').click();
  await page.getByTestId('row-filter').fill('"n":\\d+');
  await expect(ui.traffic.rows()).toHaveCount(1);
  await page.getByTestId('row-filter').fill('([a-z');
  await expect(page.getByTestId('row-filter-error')).toBeVisible();
  await expect(ui.traffic.rows()).toHaveCount(6);
  await ui.screenshot('table-invalid-regex');
  await page.getByTestId('row-filter').fill('');
  await page.getByTestId('regex-toggle').click();

  // Δ column: empty for the first row, "+x.xxx" for the next.
  await expect(ui.traffic.rows().nth(0).locator('.cell.delta')).toHaveText('');
  await expect(ui.traffic.rows().nth(1).locator('.cell.delta')).toHaveText(/^\+\d+\.\d{3}$/);

  // Keyboard: click the first row, ↓ selects the JSON one, Enter focuses the detail pane.
  await ui.traffic.rows().nth(0).click();
  await page.getByTestId('frames-scroll').focus();
  await page.keyboard.press('ArrowDown');
  await expect(ui.traffic.rows().nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(ui.traffic.detail()).toBeFocused();

  // JSON tree: two levels open, expand all reaches the leaf, collapse all hides everything.
  const tree = page.getByTestId('json-tree');
  await expect(tree).toContainText('"type": "tick"');
  await expect(tree).not.toContainText('deepest value');
  await page.getByTestId('json-expand-all').click();
  await expect(tree).toContainText('"leaf": "deepest value"');
  await ui.screenshot('detail-json-tree');
  await page.getByTestId('json-collapse-all').click();
  await expect(tree).not.toContainText('"type"');
  await expect(tree).toContainText('{4 keys}');
  await tree.getByRole('button', { name: 'Expand root' }).click();
  await expect(tree).toContainText('"type": "tick"');

  // Deflate: sizes and the negotiated parameters.
  const deflate = page.getByTestId('deflate-info');
  await expect(deflate).toContainText(/\d+ B on the wire → \d+ B decoded/);
  await expect(deflate).toContainText('server_no_context_takeover: yes');
  await expect(deflate).toContainText('server_max_window_bits: 10');

  // Base64 tab and copy buttons.
  await page.getByTestId('payload-tab-base64').click();
  await expect(page.getByTestId('payload-body')).toContainText('eyJ0eXBlIjoidGljayIs');
  await page.getByTestId('copy-json').click();
  await expect(page.getByTestId('copy-json')).toHaveText('Copied ✓');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain('"n": 42');
  await page.getByTestId('copy-hex').click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/^7b 22 74 79/);

  // "/" focuses the search from anywhere outside a field; End jumps to the tail and follows again.
  await page.getByTestId('frames-scroll').focus();
  await page.keyboard.press('/');
  await expect(page.getByTestId('row-filter')).toBeFocused();
  await page.getByTestId('frames-scroll').focus();
  await page.keyboard.press('Home');
  await expect(page.getByTestId('follow-toggle')).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('End');
  await expect(ui.traffic.rows().last()).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('follow-toggle')).toHaveAttribute('aria-pressed', 'true');
  await ui.screenshot('table-and-detail');
});
