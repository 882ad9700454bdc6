import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { ensureBuilt, repoRoot, startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';
import { startMisbehavingServer } from './support/ws-servers.js';

let inspector: InspectorServer;
let sessionFile: string;

test.beforeAll(async () => {
  ensureBuilt();
  // Record a real session with the CLI against a server that fragments, pings and breaks the protocol.
  const server = await startMisbehavingServer();
  sessionFile = path.join(mkdtempSync(path.join(tmpdir(), 'wsi-e2e-')), 'recorded.wsi.jsonl');
  // Async on purpose: the server runs in this process and must keep answering while the CLI records.
  const wsi = await promisify(execFile)(
    process.execPath,
    [path.join(repoRoot, 'bin', 'wsi.js'), 'connect', server.url, '-d', '3', '-o', sessionFile],
    { encoding: 'utf8', timeout: 20_000 },
  ).catch((error: { stdout?: string; stderr?: string }) => ({
    stdout: error.stdout ?? '',
    stderr: error.stderr ?? '',
  }));
  await server.close();
  if (!readFileSync(sessionFile, 'utf8').includes('"type":"frame"')) {
    throw new Error(`wsi connect recorded no frames: ${wsi.stdout} ${wsi.stderr}`);
  }
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

test('opens a session file read-only and shows its frames, messages and violations', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(sessionFile);

  const list = ui.connections.list();
  await expect(list).toContainText('recorded.wsi.jsonl');
  await expect(list).toContainText('read-only');
  await expect(ui.connections.selected()).toContainText('/feed');
  await expect(ui.composer.root()).toHaveCount(0);

  // Messages view: the two fragments were assembled into one JSON message.
  const message = ui.traffic.rowsByDir('s2c').filter({ hasText: '{"part":"fragmented"}' });
  await expect(message).toContainText('text ×2');
  await message.click();
  await expect(ui.traffic.detail()).toContainText('Made of 2 frames');
  await expect(page.getByTestId('payload-body')).toContainText('"part": "fragmented"');
  await ui.screenshot('07-session-message');

  await ui.traffic.framesMode().click();
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'continuation' })).toHaveCount(1);
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: 'ping' })).toHaveCount(1);
  const bad = page.locator('[data-testid="frame-row"].has-violation');
  await expect(bad.first()).toBeVisible();
  await bad.first().click();
  await expect(ui.traffic.detail()).toContainText('Protocol violations');
  await expect(ui.traffic.detail()).toContainText('RSV1');
  await ui.screenshot('08-session-violation');

  await page.getByTestId('tab-findings').click();
  const findings = page.getByTestId('finding');
  await expect(findings.first()).toBeVisible();
  await expect(page.getByTestId('findings-panel')).toContainText('Closed by');
  await ui.screenshot('09-session-findings');
});
