import { expect, test } from '@playwright/test';
import { encodeFrame, startRawServer, switchingProtocols } from '../helpers/raw-servers.js';
import type { RunningRawServer } from '../helpers/raw-servers.js';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

const HTML = `<script>window.__pwned = 1; alert('xss')</script><img src=x onerror="window.__pwned=2;alert(1)"><b>bold</b>`;
const LONG_LINE_BYTES = 2 * 1024 * 1024;
const BIG_BINARY_BYTES = 16 * 1024 * 1024;

let inspector: InspectorServer;
let hostile: RunningRawServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  // A raw server: it writes exactly these bytes, including a text frame that is not UTF-8.
  hostile = await startRawServer((socket, upgrade) => {
    socket.write(switchingProtocols(upgrade));
    socket.write(encodeFrame({ opcode: 1, payload: HTML }));
    socket.write(encodeFrame({ opcode: 1, payload: `LONG${'z'.repeat(LONG_LINE_BYTES - 4)}` }));
    socket.write(
      encodeFrame({ opcode: 1, payload: Buffer.from([0x62, 0x61, 0x64, 0xff, 0xfe, 0xc3, 0x28]) }),
    );
    socket.write(encodeFrame({ opcode: 2, payload: Buffer.alloc(BIG_BINARY_BYTES, 0xab) }));
  });
});

test.afterAll(async () => {
  await inspector?.stop();
  await hostile?.close();
});

test('hostile payloads are shown as text or hex, never executed, and the page stays responsive', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const ui = new InspectorPage(page);
  const response = await page.goto(inspector.url);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(page.getByText('WebSocket Inspector')).toBeVisible();

  await ui.connect.to(hostile.url);
  // The four messages arrive; the client's own 1007 close frame may be listed too, depending on whether ws wrote it
  // before the socket went away.
  const dataRows = page.locator('[data-testid="frame-row"]:not([data-opcode="8"])');
  await expect(dataRows).toHaveCount(4, { timeout: 30_000 });

  // The HTML message: in the table and the detail as literal text, no <img> or <script> element created from it.
  const htmlRow = ui.traffic.rows().filter({ hasText: '<script>' });
  await expect(htmlRow).toHaveCount(1);
  await htmlRow.click();
  await expect(page.getByTestId('payload-body')).toHaveText(HTML);
  expect(await page.locator('img[src="x"], b:text("bold")').count()).toBe(0);

  // The 2 MiB single line: preview and detail are capped.
  const longRow = ui.traffic.rows().filter({ hasText: 'LONGzzz' });
  expect((await longRow.getByTestId('row-preview').innerText()).length).toBeLessThanOrEqual(161);
  await longRow.click();
  await expect(page.getByTestId('payload-body')).toContainText('LONGzzz');
  expect((await page.getByTestId('payload-body').innerText()).length).toBeLessThanOrEqual(256 * 1024);

  // Invalid UTF-8 in a text frame: flagged, the bytes visible in hex.
  const badRow = ui.traffic.rows().filter({ hasText: 'bad' });
  await badRow.click();
  await expect(ui.traffic.detail()).toContainText('INVALID');
  await page.getByTestId('payload-tab-hex').click();
  await expect(page.getByTestId('payload-body')).toContainText('62 61 64 ff fe c3 28');

  // The 16 MiB binary: a hex preview, capped.
  const bigRow = ui.traffic.rows().filter({ hasText: 'ab ab ab' });
  await bigRow.click();
  await expect(ui.traffic.detail()).toContainText('16777216');
  const hex = await page.getByTestId('payload-body').innerText();
  expect(hex.length).toBeLessThan(600_000);
  await ui.screenshot('hostile-payloads');

  // Still responsive: a click is handled within a second.
  const started = Date.now();
  await page.getByTestId('mode-frames').click();
  await expect(page.getByTestId('mode-frames')).toHaveAttribute('aria-pressed', 'true', { timeout: 1000 });
  expect(Date.now() - started).toBeLessThan(1000);

  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
});
