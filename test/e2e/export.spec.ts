import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Download, Page } from '@playwright/test';
import { createSessionHeader, serializeSession } from '../../shared/session/index.js';
import { conn } from '../unit/analysis/builders.js';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();
const MESSAGE = '{"password":"E2EEXPORTSECRET","item":"export-me"}';

async function saveFrom(page: Page): Promise<Download> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('export-save').click(),
  ]);
  return download;
}

/** tshark's WebSocket dissection of a pcapng: one line per frame with its text payload. */
function tsharkTexts(file: string): string[] {
  const run = spawnSync(
    'tshark',
    ['-r', file, '-Y', 'websocket', '-T', 'fields', '-e', 'websocket.payload.text'],
    {
      encoding: 'utf8',
    },
  );
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split('\n').filter(Boolean);
}

test('Export…: the live session as HAR and pcapng from the UI, secrets masked only when asked', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  await expect(page.getByTestId('export-open')).toBeDisabled();
  await ui.connect.to(`${servers.echo.url}/feed?token=E2EQUERYSECRET`);
  await expect(ui.connections.selected()).toHaveAttribute('data-state', 'open');
  await ui.composer.sendText(MESSAGE);
  await expect(ui.traffic.rows()).toHaveCount(2);

  await page.getByTestId('export-open').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('export-format-har')).toBeChecked();
  await expect(page.getByTestId('export-redact')).not.toBeChecked();
  await ui.screenshot('export-dialog', dialog);

  // HAR, as recorded: the messages are in the entry, the secret too.
  const har = await saveFrom(page);
  expect(har.suggestedFilename()).toMatch(/^wsi-session-.*\.har$/);
  const harText = readFileSync(await har.path(), 'utf8');
  const log = JSON.parse(harText) as {
    log: { entries: { request: { url: string }; _webSocketMessages: { type: string; data: string }[] }[] };
  };
  expect(log.log.entries).toHaveLength(1);
  expect(log.log.entries[0]?.request.url).toContain('token=E2EQUERYSECRET');
  expect(log.log.entries[0]?._webSocketMessages.map((m) => [m.type, m.data])).toEqual([
    ['send', MESSAGE],
    ['receive', MESSAGE],
  ]);
  await expect(dialog.getByTestId('share-result')).toContainText('as recorded (nothing masked)');

  // pcapng: tshark dissects both frames.
  await page.getByTestId('export-format-pcapng').check();
  const pcap = await saveFrom(page);
  expect(pcap.suggestedFilename()).toMatch(/^wsi-session-.*\.pcapng$/);
  expect(tsharkTexts(await pcap.path())).toEqual([MESSAGE, MESSAGE]);

  // Masked: the same rules as Save for sharing; the file lists what they replaced.
  await page.getByTestId('export-redact').check();
  await expect(dialog.getByTestId('share-default-rules')).toContainText('password');
  const masked = await saveFrom(page);
  expect(masked.suggestedFilename()).toMatch(/^wsi-shared-.*\.pcapng$/);
  const texts = tsharkTexts(await masked.path());
  expect(texts).toHaveLength(2);
  for (const text of texts) {
    expect(text).not.toContain('E2EEXPORTSECRET');
    expect(text).toContain('export-me');
  }
  await expect(dialog.getByTestId('share-result')).toContainText('json:password replaced 2');
  await ui.screenshot('export-masked', dialog);
  await page.getByTestId('export-close').click();
  await expect(dialog).toBeHidden();
});

test('Export… also exports an opened session file, chosen by name', async ({ page }) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'wsi-export-'));
  try {
    const events = conn('c1', 'client', 'ws://recorded.test/feed')
      .handshake(0)
      .message(5, 's2c', 'from-the-file').events;
    const file = path.join(dir, 'recorded.wsi.jsonl');
    writeFileSync(file, serializeSession({ header: createSessionHeader(1_700_000_000_000, 'test'), events }));
    const ui = new InspectorPage(page);
    await ui.open(servers.inspector.url);
    await page.getByTestId('session-file-input').setInputFiles(file);
    await expect(ui.connections.list()).toContainText('recorded.test');

    await page.getByTestId('export-open').click();
    const source = page.getByTestId('export-source');
    await expect(source.locator('option', { hasText: 'recorded.wsi.jsonl' })).toHaveCount(1);
    await source.selectOption({ label: 'recorded.wsi.jsonl' });
    await page.getByTestId('export-format-pcapng').check();
    const pcap = await saveFrom(page);
    expect(pcap.suggestedFilename()).toBe('recorded.wsi.pcapng');
    expect(tsharkTexts(await pcap.path())).toEqual(['from-the-file']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
