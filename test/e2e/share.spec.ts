import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { parseSession } from '../../shared/session/parse.js';
import { fromBase64 } from '../../shared/util/base64.js';
import type { InspectorServer } from './support/inspector-server.js';
import { ensureBuilt, repoRoot, startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import type { TestWsServer } from './support/ws-servers.js';
import { startEchoServer } from './support/ws-servers.js';

let inspector: InspectorServer;
let echo: TestWsServer;

const SECRETS = ['E2EQUERYSECRET', 'E2EHEADERSECRET', 'E2EJSONSECRET', 'E2EPINSECRET', '4111-2222-3333-4444'];
const MESSAGE = '{"password":"E2EJSONSECRET","user":{"pin":"E2EPINSECRET"},"card":"4111-2222-3333-4444"}';

/** The file's text with every base64 payload decoded beside it, so a secret inside a payload is found too. */
function withPayloads(text: string): string {
  const decoded = [...text.matchAll(/"data":"([A-Za-z0-9+/=]*)"/g)].map((m) =>
    Buffer.from(fromBase64(m[1]!) ?? new Uint8Array()).toString('utf8'),
  );
  return [text, ...decoded].join('\n');
}

test.beforeAll(async () => {
  ensureBuilt();
  echo = await startEchoServer();
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
  await echo?.close();
});

test('Save for sharing: default and added rules, saved as session file and HAR with no secret left', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await expect(page.getByTestId('save-for-sharing')).toBeDisabled();
  await page.getByTestId('connect-options').click();
  await page.getByTestId('connect-headers').fill('Authorization: Bearer E2EHEADERSECRET');
  await ui.connect.to(`${echo.url}/feed?token=E2EQUERYSECRET&room=5`);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await ui.composer.sendText(MESSAGE);
  await expect(ui.traffic.rows()).toHaveCount(2);

  await page.getByTestId('save-for-sharing').click();
  const dialog = page.getByTestId('share-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('share-default-rules')).toContainText('Authorization, Proxy-Authorization');
  await expect(page.getByTestId('share-default-rules')).toContainText('access_token');

  await page.getByTestId('share-rule-kind').selectOption('regex');
  await page.getByTestId('share-rule-value').fill('(');
  await page.getByTestId('share-rule-add').click();
  await expect(page.getByTestId('share-problem')).toContainText('regex "(" is invalid');
  await page.getByTestId('share-rule-value').fill('\\d{4}-\\d{4}-\\d{4}-\\d{4}');
  await page.getByTestId('share-rule-add').click();
  await page.getByTestId('share-rule-kind').selectOption('json');
  await page.getByTestId('share-rule-value').fill('$.user.pin');
  await page.getByTestId('share-rule-value').press('Enter');
  await page.getByTestId('share-rule-kind').selectOption('header');
  await page.getByTestId('share-rule-value').fill('X-Api-Key');
  await page.getByTestId('share-rule-add').click();
  await expect(page.getByTestId('share-problem')).toHaveCount(0);
  await expect(page.getByTestId('share-rules').locator('li')).toHaveCount(3);
  mkdirSync(path.join(repoRoot, 'docs', 'screenshots'), { recursive: true });
  await dialog.screenshot({ path: path.join(repoRoot, 'docs', 'screenshots', 'save-for-sharing.png') });

  const [sessionDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('share-save').click(),
  ]);
  expect(sessionDownload.suggestedFilename()).toMatch(/^wsi-shared-.*\.jsonl$/);
  const sessionPath = await sessionDownload.path();
  const sessionText = readFileSync(sessionPath, 'utf8');
  for (const secret of SECRETS) expect(withPayloads(sessionText), secret).not.toContain(secret);
  const read = parseSession(sessionText);
  expect(read.problems).toEqual([]);
  const counts = Object.fromEntries(read.session.header.redaction!.rules.map((r) => [r.rule, r.replaced]));
  expect(counts).toMatchObject({
    'header:Authorization': 1,
    'query:token': 2,
    'json:password': 2,
    'json:$.user.pin': 2,
    'regex:\\d{4}-\\d{4}-\\d{4}-\\d{4}': 2,
    'header:X-Api-Key': 0,
  });
  const result = page.getByTestId('share-result');
  await expect(result).toContainText('json:$.user.pin replaced 2');
  await ui.screenshot('share-result', dialog);

  await page.getByTestId('share-format-har').check();
  const [harDownload] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('share-save').click(),
  ]);
  expect(harDownload.suggestedFilename()).toMatch(/^wsi-shared-.*\.har$/);
  const harText = readFileSync(await harDownload.path(), 'utf8');
  for (const secret of SECRETS) expect(harText, secret).not.toContain(secret);
  const har = JSON.parse(harText) as { log: { _wsiRedaction: unknown; entries: unknown[] } };
  expect(har.log._wsiRedaction).toEqual(read.session.header.redaction);
  expect(har.log.entries).toHaveLength(1);
  await page.getByTestId('share-close').click();
  await expect(dialog).toBeHidden();

  // The redacted session file is one the app opens.
  await page.getByTestId('session-file-input').setInputFiles(sessionPath);
  await expect(ui.connections.list()).toContainText('read-only');
  await expect(ui.traffic.rowsByDir('c2s').filter({ hasText: '"password":"*************"' })).toHaveCount(1);
});
