import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';
import { startPushServer } from './support/ws-servers.js';

const BURST = 120;
const MESSAGE = 'x'.repeat(8192);

test.use({ viewport: { width: 1280, height: 900 } });

let inspector: InspectorServer;
let server: TestWsServer;

test.beforeAll(async () => {
  // 100 KiB/s of previews: a burst of 120 × 8 KiB (~1 MiB) is far over it.
  inspector = await startInspectorServer(['--preview-rate', '100k']);
  server = await startPushServer(
    '/burst',
    Array.from({ length: BURST }, () => MESSAGE),
  );
});

test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

test('a burst over the preview rate: every message recorded, late ones with a 255-byte preview and the reason', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(server.url);
  // Every message is recorded (the table is windowed: count from the header).
  await expect(page.getByText(`↓ ${BURST} frames`)).toBeVisible();
  const rows = ui.traffic.rowsByDir('s2c');
  const detail = ui.traffic.detail();
  await rows.last().click();
  await expect(detail.getByTestId('truncation-notice')).toHaveText('Showing the first 255 B of 8.0 KiB');
  await expect(detail.getByTestId('payload-not-kept')).toContainText('preview rate');
  await expect(detail.getByRole('button', { name: 'Load full payload' })).toHaveCount(0);
  await ui.screenshot('36-preview-rate-cut');
});
