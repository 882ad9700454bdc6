import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { ensureBuilt, repoRoot, startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

let inspector: InspectorServer;
let file: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ensureBuilt();
  file = path.join(mkdtempSync(path.join(tmpdir(), 'wsi-e2e-export-')), 'storm.jsonl');
  // 10,000 short connections, 90,000 records: several slices of progress.
  execFileSync(process.execPath, [path.join(repoRoot, 'bench/storm-session.js'), '10000', file]);
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

const records = (text: string): unknown[] =>
  text
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((line) => JSON.parse(line) as unknown);

test('exporting a big session shows records exported of the total, and the saved file holds every record', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(file);
  await expect(page.getByTestId('session-progress')).toHaveCount(0, { timeout: 120_000 });

  await page.getByTestId('export-open').click();
  // The opened file is the only session to export (nothing live): the dialog exports it.
  await page.getByTestId('export-format-session').check();
  // Every progress text the dialog shows, as it changes (the export of 90,000 records may take well under a second).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="export-progress-text"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.getByTestId('export-save').click(),
  ]);
  await expect(page.getByTestId('export-progress')).toHaveCount(0);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  const total = records(readFileSync(file, 'utf8')).length.toLocaleString('en');
  const counts = seen.flatMap((text) => {
    const m = /^([\d,]+) \/ ([\d,]+) records$/.exec(text);
    return m ? [{ done: m[1], total: m[2] }] : [];
  });
  expect(counts.length).toBeGreaterThan(1);
  expect(counts.every((c) => c.total === total)).toBe(true);
  expect(counts.filter((c) => c.done !== total).length).toBeGreaterThan(0);
  expect(counts.at(-1)?.done).toBe(total);
  const saved = readFileSync(await download.path(), 'utf8');
  expect(records(saved)).toEqual(records(readFileSync(file, 'utf8')));

  // Cancel is covered by test/unit/renderer/export-progress.test.ts: here the export ends too soon to click it.
});
