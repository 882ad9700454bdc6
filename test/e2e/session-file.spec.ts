import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
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
  await page.getByTestId('payload-tab-text').click();
  await expect(page.getByTestId('payload-body')).toContainText('{"part":"fragmented"}');
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

/** Slows file reading in the page (each chunk of at most 4 KiB waits 30 ms) so the progress can be seen. */
const slowFileReads = () => {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with .call(this) below
  const original = Blob.prototype.stream;
  Blob.prototype.stream = function (this: Blob) {
    const reader = original.call(this).getReader();
    let pending: Uint8Array | undefined;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!pending?.length) {
          const { done, value } = await reader.read();
          if (done) return controller.close();
          pending = value;
        }
        await new Promise((resolve) => setTimeout(resolve, 30));
        controller.enqueue(pending.slice(0, 4096));
        pending = pending.subarray(4096);
      },
      cancel: (reason) => reader.cancel(reason),
    }) as ReturnType<Blob['stream']>;
  };
};

/** File reads slowed in the page and in the worker that reads session files (its script gets the same patch). */
async function slowReads(page: Page): Promise<void> {
  await page.addInitScript(slowFileReads);
  await page.route(/session-reader-worker-[^/]*\.js$/, async (route) => {
    const response = await route.fetch();
    const body = `(${slowFileReads.toString()})();\n${await response.text()}`;
    await route.fulfill({ response, body });
  });
}

test('reads a session file off the page: progress while reading, then the frames', async ({ page }) => {
  await slowReads(page);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  let openSessionCalls = 0;
  page.on('websocket', (ws) =>
    ws.on('framesent', (f) => {
      if (String(f.payload).includes('"openSession"')) openSessionCalls++;
    }),
  );
  const lines = readFileSync(sessionFile, 'utf8').split('\n');
  // Enough records that reading takes several slowed chunks.
  const big = path.join(path.dirname(sessionFile), 'big.wsi.jsonl');
  const records = lines.slice(1).filter((l) => l.includes('"type":"frame"'));
  writeFileSync(
    big,
    [lines[0], ...lines.slice(1), ...Array.from({ length: 40 }, () => records).flat()].join('\n'),
  );
  await page.getByTestId('session-file-input').setInputFiles(big);

  const progress = page.getByTestId('session-progress');
  await expect(progress).toBeVisible();
  await expect(progress).toContainText('Opening big.wsi.jsonl');
  await expect(page.getByTestId('session-progress-text')).toContainText(/KiB \/ .* records/);
  // The rows come first; then the progress says the file is being analysed for its findings (read again).
  await expect(page.getByTestId('session-progress-text')).toContainText('records · analysing…', {
    timeout: 30_000,
  });
  await expect(ui.traffic.rowsByDir('s2c').first()).toBeVisible();
  await expect(progress).toBeHidden({ timeout: 30_000 });
  await expect(ui.connections.list()).toContainText('big.wsi.jsonl');
  await expect(ui.connections.selected()).toContainText('/feed');
  await expect(ui.traffic.rowsByDir('s2c').first()).toBeVisible();
  expect(openSessionCalls).toBe(0);
});

test('cancelling an open removes the partly read file', async ({ page }) => {
  await slowReads(page);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  const text = readFileSync(sessionFile, 'utf8');
  const big = path.join(path.dirname(sessionFile), 'cancelled.wsi.jsonl');
  writeFileSync(big, text + text.split('\n').slice(1).join('\n').repeat(30));
  await page.getByTestId('session-file-input').setInputFiles(big);
  await expect(page.getByTestId('session-progress')).toBeVisible();
  await page.getByTestId('session-cancel').click();
  await expect(page.getByTestId('session-progress')).toBeHidden();
  await expect(ui.connections.list()).not.toContainText('cancelled.wsi.jsonl');
});

test('a damaged file still shows its readable frames and names the bad lines', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  const lines = readFileSync(sessionFile, 'utf8').trimEnd().split('\n');
  lines.splice(3, 0, '{"type":"frame","conn":"c1","t":1', 'garbage that is not JSON');
  const damaged = path.join(path.dirname(sessionFile), 'damaged.wsi.jsonl');
  // Also cut the last record in half, as a killed recorder would.
  const last = lines.pop() ?? '';
  writeFileSync(damaged, [...lines, last.slice(0, last.length >> 1)].join('\n'));
  await page.getByTestId('session-file-input').setInputFiles(damaged);

  await expect(ui.connections.list()).toContainText('damaged.wsi.jsonl');
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: '{"part":"fragmented"}' })).toHaveCount(1);
  const problems = page.getByTestId('session-problems');
  await expect(problems).toContainText('3 line(s) could not be read');
  await problems.locator('summary').click();
  await expect(problems).toContainText('line 4: not valid JSON');
  await expect(problems).toContainText('line 5: not valid JSON');
  await expect(problems).toContainText(`line ${lines.length + 1}: last line is truncated`);
});

test('a large file whose first half is blank lines is still read from its header', async ({ page }) => {
  // Large enough to be read in two halves at once; the first half holds no header, so the file is read again whole.
  const blank = `${' '.repeat(1000)}\n`.repeat(36_000);
  const padded = path.join(path.dirname(sessionFile), 'padded.wsi.jsonl');
  writeFileSync(padded, blank + readFileSync(sessionFile, 'utf8'));
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(padded);
  await expect(ui.connections.list()).toContainText('padded.wsi.jsonl');
  await expect(ui.connections.selected()).toContainText('/feed');
  await expect(ui.traffic.rowsByDir('s2c').filter({ hasText: '{"part":"fragmented"}' })).toHaveCount(1);
  await expect(page.getByTestId('session-progress')).toBeHidden({ timeout: 30_000 });
  await expect(page.getByTestId('session-problems')).toHaveCount(0);
  await expect(ui.connections.list().getByText('padded.wsi.jsonl')).toHaveCount(1);
});

test('a recording cut by kill -9 (no end record) is shown as cut, from its last record', async ({ page }) => {
  const lines = readFileSync(sessionFile, 'utf8').trimEnd().split('\n');
  // What a killed recorder leaves: everything up to some record, no `end`.
  const kept = lines.filter((line) => !line.includes('"type":"end"')).slice(0, -2);
  const header = JSON.parse(kept[0] ?? '{}') as { startedAt: number };
  const last = JSON.parse(kept.at(-1) ?? '{}') as { t: number };
  const cutFile = path.join(path.dirname(sessionFile), 'cut.wsi.jsonl');
  writeFileSync(cutFile, kept.join('\n') + '\n');
  const at = new Date(header.startedAt + last.t).toISOString();

  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(cutFile);
  await expect(ui.connections.list()).toContainText('cut.wsi.jsonl');
  await expect(ui.connections.selected().getByTestId('connection-state')).toHaveText('cut');
  await page.getByTestId('tab-findings').click();
  const panel = page.getByTestId('findings-panel');
  await expect(panel).toContainText(`Recording cut at ${at}`);
  await expect(panel).toContainText('no end record, what followed is unknown');
  await expect(panel).not.toContainText('No findings');
});
