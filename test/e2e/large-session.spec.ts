import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { InspectorServer } from './support/inspector-server.js';
import { ensureBuilt, startInspectorServer } from './support/inspector-server.js';
import { InspectorPage } from './support/inspector-page.js';

const FRAMES = 200_000;

interface Written {
  file: string;
  rows: number;
  needles: number;
  regexHits: number;
  messages: number;
  /** JSON-RPC notifications among the messages (`method` tick, ids 0 to 4). */
  rpcTicks: number;
  /** Line numbers of the two lines that are not records, one in each half of the file. */
  badLines: number[];
}

/**
 * One connection of 200,000 frames (text with and without a needle, binary, pings), each data frame with its message;
 * plus one 20 KiB message whose needle is past the first 16 KiB, and one whose payload was recorded only in part; and
 * a damaged line in each half of the file (a large file's halves are read at once, by two readers).
 */
function writeLargeSession(dir: string): Written {
  const lines: string[] = [
    JSON.stringify({ format: 'wsi-session', version: 1, startedAt: Date.UTC(2026, 0, 1), producer: 'e2e' }),
    JSON.stringify({
      type: 'connection',
      conn: 'c1',
      t: 0,
      mode: 'client',
      url: 'ws://big.test/feed',
      at: 1,
    }),
    JSON.stringify({ type: 'open', conn: 'c1', t: 1, protocol: '', extensions: [] }),
  ];
  let messages = 0;
  let rows = 0;
  let needles = 0;
  let regexHits = 0;
  const badLines: number[] = [];
  const push = (seq: number, opcode: number, text: string, truncated = false): void => {
    const payload = Buffer.from(text);
    const dir = seq % 3 === 0 ? 'c2s' : 's2c';
    const data = payload.toString('base64');
    const frame = {
      seq,
      dir,
      offset: 0,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode,
      masked: dir === 'c2s',
      lengthEncoding: payload.length > 65535 ? 64 : payload.length > 125 ? 16 : 7,
      headerLength: 2,
      payloadLength: payload.length + (truncated ? 100_000 : 0),
      data,
      truncated,
      ...(opcode <= 2 ? { messageId: messages } : {}),
    };
    const t = 2 + seq * 0.01;
    lines.push(JSON.stringify({ type: 'frame', conn: 'c1', t, frame }));
    rows++;
    if (opcode > 2) return;
    lines.push(
      JSON.stringify({
        type: 'message',
        conn: 'c1',
        t,
        message: {
          id: messages++,
          dir,
          opcode,
          frames: [seq],
          wireSize: frame.payloadLength,
          size: frame.payloadLength,
          compressed: false,
          data,
          truncated,
        },
      }),
    );
  };
  for (let seq = 0; seq < FRAMES; seq++) {
    if (seq === FRAMES / 4 || seq === (FRAMES * 3) / 4)
      badLines.push(lines.push('{"type":"frame","conn":"c1",'));
    if (seq % 10 === 9) push(seq, 9, 'hb');
    else if (seq % 10 === 5) push(seq, 2, `bin${seq}`);
    else {
      const needle = seq % 101 === 0;
      if (needle) needles++;
      if (/order-\d*77\b/.test(`order-${seq}`)) regexHits++;
      push(seq, 1, `{"type":"quote","id":"order-${seq}"${needle ? ',"tag":"needle"' : ''}}`);
    }
  }
  push(FRAMES, 1, `${'x'.repeat(20 * 1024)} deep-needle`);
  push(FRAMES + 1, 1, 'the start of a message that was cut', true);
  const rpcTicks = 5;
  for (let id = 0; id < rpcTicks; id++)
    push(FRAMES + 2 + id, 1, `{"jsonrpc":"2.0","method":"tick","id":${id}}`);
  const file = path.join(dir, 'large.wsi.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, rows, needles, regexHits, messages, rpcTicks, badLines };
}

let inspector: InspectorServer;
let session: Written;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  ensureBuilt();
  session = writeLargeSession(mkdtempSync(path.join(tmpdir(), 'wsi-e2e-large-')));
  inspector = await startInspectorServer();
});

test.afterAll(async () => {
  await inspector?.stop();
});

test('opens a 200,000-frame session and filters it by text, regex and decoded fields from the toolbar', async ({
  page,
}) => {
  test.setTimeout(240_000);
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('session-file-input').setInputFiles(session.file);
  const grid = page.getByRole('grid');
  // Rows appear while the file is still being read, with a progress bar.
  await expect(page.getByTestId('session-progress')).toBeVisible();
  await expect(page.getByTestId('frame-row').first()).toBeVisible();
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.rows), { timeout: 180_000 });
  await expect(page.getByTestId('session-progress')).toHaveCount(0);
  // Each damaged line is named by its line in the file, the one the second reader found too.
  const problems = page.getByTestId('session-problems');
  await expect(problems).toContainText('2 line(s) could not be read');
  await problems.locator('summary').click();
  for (const line of session.badLines) await expect(problems).toContainText(`line ${line}: not valid JSON`);
  await problems.locator('summary').click();

  // Go to a frame far down: its row is selected and on screen.
  await page.getByTestId('goto-input').fill('150001');
  await page.getByTestId('goto-input').press('Enter');
  const selected = page.locator('[data-testid="frame-row"][aria-selected="true"]');
  await expect(selected).toBeVisible();
  await expect(selected).toContainText('order-150001');
  await page.getByTestId('goto-input').fill('soon');
  await page.getByTestId('goto-input').press('Enter');
  await expect(page.getByTestId('goto-problem')).toContainText('frame number');

  const filter = page.getByTestId('row-filter');
  await filter.fill('NEEDLE');
  // The 16 KiB message matches by its needle past 16 KiB.
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.needles + 1), { timeout: 30_000 });
  await expect(page.getByTestId('frame-row').first()).toContainText('needle');

  await filter.fill('deep-needle');
  await expect(grid).toHaveAttribute('aria-rowcount', '1', { timeout: 30_000 });
  // One message was recorded only in part: the UI says its payload could only be searched in that part.
  await expect(page.getByTestId('filter-status')).toContainText('1 row could only be searched');

  await filter.fill('no such text anywhere');
  await expect(page.getByText(/No messages match the filter\. 1 could only be searched/)).toBeVisible({
    timeout: 30_000,
  });

  await page.getByTestId('regex-toggle').click();
  await filter.fill('order-\\d*77\\b');
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.regexHits), { timeout: 30_000 });

  await filter.fill('');
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.rows), { timeout: 30_000 });
  await page.getByTestId('regex-toggle').click();

  // Queries over decoded fields, JSON-RPC chosen: every message is decoded once (in the searcher), then queried.
  await page.getByTestId('decoder-select').selectOption('json-rpc');
  await filter.fill('method = tick');
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.rpcTicks), { timeout: 30_000 });
  await expect(page.getByTestId('frame-row').first()).toContainText('tick');
  await filter.fill('kind = undecodable');
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.messages - session.rpcTicks), {
    timeout: 30_000,
  });
  await filter.fill('method = tick and id != 3');
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.rpcTicks - 1), { timeout: 30_000 });
  await filter.fill('kind = request and id = 3');
  await expect(grid).toHaveAttribute('aria-rowcount', '1', { timeout: 30_000 });
  await page.getByTestId('decoder-select').selectOption('auto');
  await filter.fill('');
  await expect(grid).toHaveAttribute('aria-rowcount', String(session.rows), { timeout: 30_000 });
});
