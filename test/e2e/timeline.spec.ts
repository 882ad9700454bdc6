import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { WebSocketServer } from 'ws';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';

/**
 * Sends a greeting, pings three times 250 ms apart (the inspector's client answers each with a pong), goes silent
 * for `silenceMs`, then drops TCP without a close frame: what an idle proxy timeout looks like.
 */
async function startPingThenDropServer(silenceMs: number): Promise<TestWsServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    socket.send('hello');
    for (let i = 1; i <= 3; i++) setTimeout(() => socket.ping(`hb${i}`), i * 250);
    setTimeout(() => socket.terminate(), 750 + silenceMs);
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
let server: TestWsServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  server = await startPingThenDropServer(2500);
});

test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

test('timeline: lanes, ping RTTs, the silence, idle threshold, who closed, zoom', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 800 });
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(server.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'closed', { timeout: 10_000 });

  await page.getByTestId('tab-timeline').click();
  const panel = page.getByTestId('timeline-panel');
  await expect(panel).toBeVisible();

  // Both lanes: the greeting and 3 pings go down, 3 pongs go up.
  await expect(panel.getByTestId('lane-s2c')).toHaveAttribute('data-visible', '4');
  await expect(panel.getByTestId('lane-c2s')).toHaveAttribute('data-visible', '3');
  await expect(panel.getByTestId('timeline-ping')).toHaveCount(3);
  await expect(panel.getByTestId('rtt-label')).toHaveCount(3);
  await expect(panel.getByTestId('rtt-label').first()).toContainText(/\d+(\.\d)? ms/);
  await expect(panel.getByTestId('timeline-ping').first().locator('title')).toContainText(
    /ping #\d+ from the server, pong after [\d.]+ ms \(RTT\)/,
  );

  // The silence before the drop is shaded and labelled with its duration (~2.5 s).
  const longGap = panel.locator('[data-testid="timeline-gap"]').filter({ hasText: /2\.\d s silent/ });
  await expect(longGap).toHaveCount(1);
  await expect(longGap).toHaveAttribute('data-over', 'false');
  await expect(page.getByTestId('threshold-summary')).toHaveText('no silence longer than 60.0 s');

  // The server dropped TCP without a close frame.
  await expect(panel.getByTestId('close-marker')).toContainText('closed by server');
  await expect(panel.getByTestId('close-marker')).toContainText('no close frame');
  // Short silences between pings are not shaded at this zoom; only the one before the drop.
  await expect(panel.getByTestId('timeline-gap')).toHaveCount(1);
  await ui.screenshot('timeline', panel);

  // A 1 s idle timeout would have dropped this connection during the silence.
  await page.getByTestId('threshold-preset').selectOption('custom');
  await page.getByTestId('threshold-custom').fill('1');
  await expect(longGap).toHaveAttribute('data-over', 'true');
  await expect(longGap).toContainText('would drop');
  await expect(longGap.getByTestId('drop-line')).toHaveCount(1);
  await expect(page.getByTestId('threshold-summary')).toContainText('longer than 1.0 s: would be dropped');
  await ui.screenshot('timeline-idle-threshold', panel);
  await page.getByTestId('threshold-preset').selectOption('heroku');
  await expect(longGap).toHaveAttribute('data-over', 'false');

  // Zoom in and out change the visible range; fit shows everything again.
  const rangeText = page.getByTestId('timeline-range');
  const whole = await rangeText.textContent();
  await page.getByTestId('zoom-in').click();
  await page.getByTestId('zoom-in').click();
  await expect(rangeText).not.toHaveText(whole ?? '');
  const zoomed = await rangeText.textContent();
  await page.getByTestId('zoom-out').click();
  await expect(rangeText).not.toHaveText(zoomed ?? '');
  await page.getByTestId('zoom-fit').click();
  await expect(rangeText).toHaveText(whole ?? '');

  // The mouse wheel zooms around the pointer.
  const area = panel.locator('.timeline-area');
  const box = await area.boundingBox();
  if (!box) throw new Error('timeline area not laid out');
  await page.mouse.move(box.x + box.width * 0.1, box.y + 40);
  await page.mouse.wheel(0, -400);
  await expect(rangeText).not.toHaveText(whole ?? '');
  // Dragging pans: the window moves right.
  const beforeDrag = await rangeText.textContent();
  await page.mouse.move(box.x + box.width * 0.6, box.y + 60);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.2, box.y + 60, { steps: 5 });
  await page.mouse.up();
  await expect(rangeText).not.toHaveText(beforeDrag ?? '');
  await ui.screenshot('timeline-zoomed', panel);
});
