import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

test('composes JSON, binary from a file, saved messages, a ping with payload, and a validated close', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await ui.connect.to(servers.echo.url);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');

  // JSON mode: live validation with the position, pretty-print, send.
  await page.getByTestId('composer-encoding').selectOption('json');
  await ui.composer.input().fill('{"op": "subscribe",\n "channels": ["a", }');
  await expect(page.getByTestId('json-status')).toContainText('line 2, column 20');
  await expect(page.getByTestId('json-pretty')).toBeDisabled();
  await ui.screenshot('composer-json-error');
  await ui.composer.input().fill('{"op":"subscribe","channels":["a","b"]}');
  await expect(page.getByTestId('json-status')).toContainText('valid JSON');
  await page.getByTestId('json-pretty').click();
  await expect(ui.composer.input()).toHaveValue(
    '{\n  "op": "subscribe",\n  "channels": [\n    "a",\n    "b"\n  ]\n}',
  );
  await ui.composer.send().click();
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'subscribe' })).toHaveCount(1);

  // Saved messages survive a reload, keyed by the endpoint.
  await page.getByTestId('saved-name').fill('subscribe');
  await page.getByTestId('saved-save').click();
  await page.getByTestId('composer-encoding').selectOption('hex');
  await ui.composer.input().fill('01 02 ff');
  await page.getByTestId('saved-name').fill('three bytes');
  await page.getByTestId('saved-save').click();
  await page.reload();
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await page.getByTestId('saved-select').selectOption('subscribe');
  await expect(page.getByTestId('composer-encoding')).toHaveValue('json');
  await expect(ui.composer.input()).toHaveValue(/"channels"/);
  await page.getByTestId('saved-select').selectOption('three bytes');
  await expect(page.getByTestId('composer-encoding')).toHaveValue('hex');
  await ui.composer.send().click();
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: '01 02 ff' })).toHaveCount(1);
  await page.getByTestId('saved-delete').click();
  await expect(page.getByTestId('saved-select').locator('option')).toHaveCount(2);

  // A file becomes one binary message.
  const dir = mkdtempSync(path.join(tmpdir(), 'wsi-composer-'));
  const file = path.join(dir, 'blob.bin');
  writeFileSync(file, Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x01]));
  await page.getByTestId('composer-encoding').selectOption('file');
  await page.getByTestId('composer-file').setInputFiles(file);
  await expect(page.getByTestId('composer-file-info')).toHaveText('blob.bin: 6 bytes');
  await ui.composer.send().click();
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'ca fe ba be 00 01' })).toHaveCount(1);

  // Ping with a payload; the echo server's automatic pong carries it back.
  await page.getByTestId('ping-payload').fill('hb-7');
  await ui.composer.ping().click();
  await expect(ui.traffic.rows().filter({ hasText: 'hb-7' })).toHaveCount(2);

  // Close: reserved codes and long reasons are refused before anything is sent.
  await ui.composer.closeCode().fill('1005');
  await ui.composer.close().click();
  await expect(page.getByRole('alert')).toContainText('1005 is reserved');
  await ui.composer.closeCode().fill('4000');
  await ui.composer.closeReason().fill('é'.repeat(62));
  await expect(page.getByTestId('close-reason-bytes')).toHaveText('124/123 B');
  await ui.composer.close().click();
  await expect(page.getByRole('alert')).toContainText('124 bytes');
  await ui.screenshot('composer-close-invalid');
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await ui.composer.closeReason().fill('bye ✓');
  await expect(page.getByTestId('close-reason-bytes')).toHaveText('7/123 B');
  await ui.composer.close().click();
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'closed');
  await expect(ui.connection.closeSummary()).toContainText('4000');
  await expect(ui.connection.closeSummary()).toContainText('bye ✓');
});
