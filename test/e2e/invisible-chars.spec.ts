import { expect, test } from '@playwright/test';
import { closePayload, encodeFrame, startRawServer, switchingProtocols } from '../helpers/raw-servers.js';
import type { RunningRawServer } from '../helpers/raw-servers.js';
import type { InspectorServer } from './support/inspector-server.js';
import { startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

let inspector: InspectorServer;
let server: RunningRawServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  server = await startRawServer((socket, upgrade) => {
    // Header bytes are read as Latin-1: a soft hyphen (0xAD) and a C1 CSI (0x9B) are the invisibles they can carry.
    socket.write(switchingProtocols(upgrade, ['X-File: invoice\xad.pdf\x9b']), 'latin1');
    socket.write(encodeFrame({ opcode: 1, payload: 'invoice_\u202efdp.exe' }));
    socket.write(encodeFrame({ opcode: 1, payload: '{"name":"pay\u200bpal","note":"a\u2066b"}' }));
    socket.write(encodeFrame({ opcode: 8, payload: closePayload(4000, 'bye\u200d') }));
    setTimeout(() => socket.end(), 100);
  });
});

test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

test('bidi controls and zero-width characters show as markers in previews, detail and headers', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await ui.connect.to(server.url);

  // The preview reads in logical order with a marker, not as "invoice_exe.pdf".
  const rlo = ui.traffic.rows().filter({ hasText: 'invoice_' });
  await expect(rlo).toHaveCount(1, { timeout: 15_000 });
  const preview = rlo.getByTestId('row-preview');
  await expect(preview).toHaveText('invoice_RLOfdp.exe');
  await expect(preview.locator('[data-testid="invisible-mark"][data-char="RLO"]')).toBeVisible();
  // Drawn left to right: the marker sits between "invoice_" and "fdp.exe" on screen too.
  const markBox = (await preview.getByTestId('invisible-mark').boundingBox())!;
  const rowBox = (await preview.boundingBox())!;
  expect(markBox.x - rowBox.x).toBeGreaterThan(20);

  await rlo.click();
  const body = page.getByTestId('payload-body');
  await expect(body.locator('[data-char="RLO"]')).toBeVisible();
  await expect(body).toHaveText('invoice_RLOfdp.exe');
  await ui.screenshot('invisible-markers-detail');

  // The JSON tree's strings carry their markers too.
  await ui.traffic.rows().filter({ hasText: 'pay' }).first().click();
  const tree = page.getByTestId('json-tree');
  await expect(tree.locator('[data-char="ZWSP"]')).toBeVisible();
  await expect(tree.locator('[data-char="LRI"]')).toBeVisible();

  // The close reason, in the list and the header.
  await expect(ui.connection.closeSummary().locator('[data-char="ZWJ"]')).toBeVisible({ timeout: 10_000 });
  await expect(ui.connections.items().first().locator('[data-char="ZWJ"]')).toBeVisible();

  // Response headers: the soft hyphen and the C1 control.
  await ui.connection.tabHandshake().click();
  const headers = ui.handshake.responseHeaders();
  await expect(headers.locator('[data-char="SHY"]')).toBeVisible();
  await expect(headers.locator('[data-char="CSI"]')).toBeVisible();
  await expect(headers.getByRole('row', { name: /X-File/ })).toContainText('invoiceSHY.pdfCSI');
  await ui.screenshot('invisible-markers-headers');
});
