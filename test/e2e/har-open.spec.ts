import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { chromeHar, httpToolkitHar } from '../unit/import/har-fixtures.js';
import type { InspectorServer } from './support/inspector-server.js';
import { ensureBuilt, startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

let inspector: InspectorServer;
let chromeFile: string;

test.beforeAll(async () => {
  ensureBuilt();
  chromeFile = path.join(mkdtempSync(path.join(tmpdir(), 'wsi-e2e-har-')), 'chrome-devtools.har');
  writeFileSync(chromeFile, JSON.stringify(chromeHar(), null, 2));
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

test('Open session… opens a Chrome HAR: its messages, and the Findings tab says what it could not check', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(chromeFile);

  const list = ui.connections.list();
  await expect(list).toContainText('chrome-devtools.har');
  await expect(ui.connections.selected()).toContainText('/socket');
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: '{"op":"join","room":7}' })).toHaveCount(1);
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: '{"op":"joined","n":2}' })).toHaveCount(1);
  await expect(ui.traffic.rows()).toHaveCount(4);

  await page.getByTestId('tab-findings').click();
  const notice = page.getByTestId('imported-notice');
  await expect(notice).toContainText('Imported from a HAR written by WebInspector');
  await expect(notice).toContainText('these findings could not be checked: ');
  await expect(notice).toContainText('close.abnormal');
  const panel = page.getByTestId('findings-panel');
  await expect(panel).toContainText('unknown (not in the HAR)');
  await expect(panel).toContainText('unknown (the HAR holds messages, not frames)');
});

test('a HAR dropped on the window opens too; its problems are listed by entry and message', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  const har = httpToolkitHar();
  (har.log.entries[0]!._webSocketMessages as unknown[]).push({
    type: 'receive',
    time: 1,
    opcode: 2,
    data: '%%',
  });
  const dataTransfer = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'toolkit-export.har', { type: 'application/json' }));
    return transfer;
  }, JSON.stringify(har));
  await page.dispatchEvent('main', 'dragover', { dataTransfer });
  await page.dispatchEvent('main', 'drop', { dataTransfer });

  await expect(ui.connections.list()).toContainText('toolkit-export.har');
  await expect(ui.connections.items()).toHaveCount(2);
  const problems = page.getByTestId('session-problems');
  await expect(problems).toContainText('1 problem(s) reading the HAR');
  await problems.locator('summary').click();
  await expect(problems).toContainText(
    'entry 1 (wss://chat.example.test/socket?room=7): message 4: binary data is not base64; kept as the text it holds',
  );
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: 'ping-1' })).toHaveCount(1);
});

test('a file that is not JSON but named .har is refused with the reason', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles({
    name: 'broken.har',
    mimeType: 'application/json',
    buffer: Buffer.from('{"log": {"entries": [ this is cut'),
  });
  await expect(page.getByTestId('notice')).toContainText('broken.har: not JSON (');
  await expect(page.getByTestId('notice')).toContainText('nothing read');
  await expect(ui.connections.items()).toHaveCount(0);
});
