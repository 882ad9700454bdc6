import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WebSocketServer } from 'ws';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

const BURST = 120;
const MESSAGE = 'x'.repeat(8192);

test.use({ viewport: { width: 1280, height: 900 } });

let inspector: InspectorServer;
let http: Server;
let wss: WebSocketServer;
let serverUrl: string;

test.beforeAll(async () => {
  // 100 KiB/s of previews: a burst of 120 × 8 KiB (~1 MiB) is far over it.
  inspector = await startInspectorServer(['--preview-rate', '100k']);
  http = createServer();
  wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    for (let i = 0; i < BURST; i++) socket.send(MESSAGE);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  serverUrl = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/burst`;
});

test.afterAll(async () => {
  await inspector?.stop();
  for (const client of wss?.clients ?? []) client.terminate();
  await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
  http?.closeAllConnections();
  await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
});

test('a burst over the preview rate: every message recorded, late ones with a 255-byte preview and the reason', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(serverUrl);
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
