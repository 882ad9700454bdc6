import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { Server } from 'socket.io';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

/** A real Socket.IO v4 server: acks chat messages, broadcasts them, and greets on a second namespace. */
async function startSocketIo(): Promise<{ url: string; close(): Promise<void> }> {
  const http = createServer();
  // Long heartbeat settings: the inspector's client answers no Engine.IO ping by itself.
  const io = new Server(http, { transports: ['websocket'], pingInterval: 60_000, pingTimeout: 60_000 });
  io.on('connection', (socket) => {
    socket.emit('welcome', { room: 'lobby' });
    socket.on('chat:message', (text: string, ack?: (reply: unknown) => void) => {
      io.emit('chat:message', { from: socket.id.slice(0, 4), text });
      ack?.({ ok: true, length: text.length });
    });
  });
  io.of('/admin').use((_socket, next) => next(new Error('Not authorized')));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
    close: async () => {
      await io.close();
      http.closeAllConnections();
    },
  };
}

let inspector: InspectorServer;
let sio: Awaited<ReturnType<typeof startSocketIo>>;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  sio = await startSocketIo();
});

test.afterAll(async () => {
  await inspector?.stop();
  await sio?.close();
});

test('decodes a real Socket.IO session: columns, detail, filter by event, override', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(sio.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  // The server's Engine.IO open packet arrives first; then the client joins the main namespace.
  await expect(ui.traffic.rows()).toHaveCount(1);
  await ui.composer.sendText('40');
  await ui.composer.sendText('4217["chat:message","hello decoders"]');
  await ui.composer.sendText('40/admin,');
  // open, 40, 40{sid}, welcome, 42 (ours), broadcast, ack, 40/admin, 44/admin
  await expect(ui.traffic.rows()).toHaveCount(9);

  await expect(page.getByTestId('decoder-basis')).toHaveText(
    'Socket.IO / Engine.IO v4, by URL (EIO=4 in the URL)',
  );
  const kinds = ui.traffic.rows().getByTestId('row-kind');
  await expect(kinds).toHaveText([
    'open',
    'CONNECT',
    'CONNECT',
    'EVENT',
    'EVENT',
    'EVENT',
    'ACK',
    'CONNECT',
    'CONNECT_ERROR',
  ]);
  const events = ui.traffic.rows().getByTestId('row-event');
  await expect(events.nth(3)).toHaveText('welcome');
  await expect(events.nth(4)).toHaveText('chat:message');
  await expect(events.nth(8)).toHaveText('/admin');
  await expect(ui.traffic.rows().nth(4).getByTestId('row-decoded-id')).toHaveText('17');
  await expect(ui.traffic.rows().nth(6).getByTestId('row-decoded-id')).toHaveText('17');

  // The ack in the detail pane: the decoded structure, what it pairs with, and how the decoder was chosen.
  await ui.traffic.rows().nth(6).click();
  const decoded = page.getByTestId('decoded-section');
  await expect(decoded).toContainText('Socket.IO / Engine.IO v4');
  await expect(decoded).toContainText('response: ack 17');
  await expect(decoded).toContainText('"type": "ACK"');
  await expect(decoded).toContainText('"data": [1 item]');
  await expect(page.getByTestId('decoded-basis')).toContainText('by URL');

  await page.getByTestId('row-filter').fill('event = "chat:message"');
  await expect(ui.traffic.rows()).toHaveCount(2);
  await expect(ui.traffic.rowsByDir('c2s')).toHaveCount(1);
  await ui.traffic.rows().nth(0).click();
  await ui.screenshot('decoded-socketio');

  await page.getByTestId('row-filter').fill('kind ~ error and topic = /admin');
  await expect(ui.traffic.rows()).toHaveCount(1);
  await expect(ui.traffic.rows().first()).toContainText('Not authorized');
  await page.getByTestId('row-filter').fill('event = ');
  await expect(page.getByTestId('row-filter-error')).toBeVisible();
  await page.getByTestId('row-filter').fill('');

  // The Findings tab names the namespace refusal.
  await page.getByTestId('tab-findings').click();
  await expect(
    page.getByText('Socket.IO refused the connection to a namespace: “Not authorized”'),
  ).toBeVisible();
  await ui.connection.tabTraffic().click();

  // Per-connection override: decoding off removes the columns; STOMP makes every row undecodable.
  await page.getByTestId('decoder-select').selectOption('none');
  await expect(page.getByTestId('decoder-basis')).toHaveText('decoding off');
  await expect(ui.traffic.rows().getByTestId('row-kind')).toHaveCount(0);
  await page.getByTestId('decoder-select').selectOption('stomp');
  await expect(ui.traffic.rows().first().getByTestId('row-kind')).toHaveText('⚠ undecodable');
  await page.getByTestId('decoder-select').selectOption('auto');
  await expect(ui.traffic.rows().first().getByTestId('row-kind')).toHaveText('open');
});
