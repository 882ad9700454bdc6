import { statSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage, screenshotDir } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';
import { startPushServer } from './support/ws-servers.js';

const MESSAGE_BYTES = 2 * 1024 * 1024;
const TAIL = '<<the last characters of the 2 MiB message>>';
const bigMessage =
  `${'0123456789abcdef'.repeat(MESSAGE_BYTES / 16)}`.slice(0, MESSAGE_BYTES - TAIL.length) + TAIL;

test.use({ viewport: { width: 1280, height: 900 } });

let inspector: InspectorServer;
let server: TestWsServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  server = await startPushServer('/big', [bigMessage]);
});

test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

test('a 2 MiB message: truncation notice, Load full payload page by page, Save payload downloads all of it', async ({
  page,
}) => {
  expect(Buffer.byteLength(bigMessage)).toBe(MESSAGE_BYTES);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(server.url);
  const row = ui.traffic.rowsByDir('s2c').first();
  await expect(row).toBeVisible();
  await row.click();

  const detail = ui.traffic.detail();
  await expect(detail.getByTestId('truncation-notice')).toHaveText(
    /^Showing the first [\d.]+ KiB of 2\.0 MiB$/,
  );
  await expect(detail.getByTestId('payload-body')).not.toContainText(TAIL);
  await ui.screenshot('33-truncated-payload');

  await detail.getByRole('button', { name: 'Load full payload' }).click();
  await expect(detail.getByTestId('truncation-notice')).toHaveText(
    `Full payload: 2.0 MiB (${MESSAGE_BYTES} bytes)`,
  );
  const status = detail.getByTestId('payload-page-status');
  await expect(status).toHaveText('Page 1 of 32 · bytes 0–65535');
  await detail.getByRole('button', { name: 'Next →' }).click();
  await expect(status).toContainText('Page 2 of 32 · bytes 65536–131071');
  await detail.getByRole('button', { name: 'Last ⇥' }).click();
  await expect(status).toContainText('Page 32 of 32');
  await expect(detail.getByTestId('payload-body')).toContainText(TAIL);
  await detail.getByTestId('payload-body').evaluate((body) => (body.scrollTop = body.scrollHeight));
  await detail.evaluate((pane) => (pane.scrollTop = pane.scrollHeight));
  await ui.screenshot('34-full-payload-last-page');

  const downloadEvent = page.waitForEvent('download');
  await detail.getByRole('button', { name: 'Save payload…' }).click();
  const download = await downloadEvent;
  expect(download.suggestedFilename()).toMatch(/^[A-Za-z0-9_-]+-message-\d+\.txt$/);
  const saved = path.join(screenshotDir, '..', 'downloads', download.suggestedFilename());
  await download.saveAs(saved);
  expect(statSync(saved).size).toBe(MESSAGE_BYTES);
});
