/**
 * Message breakpoints from the UI in Chromium, with the relay in its own thread (the browser shell's proxy): forward,
 * edit, drop and inject, with the bytes each leg saw checked (masking toward the server, permessage-deflate).
 */
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { startTappedWsServer, tapSocket, type TappedWsServer } from '../helpers/proxy-wire.js';
import { InspectorPage } from './support/inspector-page.js';
import { startInspectorServer, type InspectorServer } from './support/inspector-server.js';

const DEFLATE = { threshold: 0 };
let inspector: InspectorServer;
let server: TappedWsServer;

test.beforeAll(async () => {
  inspector = await startInspectorServer();
  server = await startTappedWsServer(() => undefined, { ws: { perMessageDeflate: DEFLATE } });
});
test.afterAll(async () => {
  await inspector?.stop();
  await server?.close();
});

interface WireFrame {
  rsv1: boolean;
  opcode: number;
  masked: boolean;
}

/** Frame headers of a byte stream. */
function frames(bytes: Buffer): WireFrame[] {
  const out: WireFrame[] = [];
  let i = 0;
  while (i + 2 <= bytes.length) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    let length = b1 & 0x7f;
    let at = i + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at);
      at += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at));
      at += 8;
    }
    const masked = (b1 & 0x80) !== 0;
    out.push({ rsv1: (b0 & 0x40) !== 0, opcode: b0 & 0x0f, masked });
    i = at + (masked ? 4 : 0) + length;
  }
  return out;
}

/** Fills the rule form and adds it; waits for it to be listed unless it is expected to be refused. */
async function addRule(
  page: Page,
  rule: { direction: string; match: string; value: string; equals?: string },
  refused = false,
) {
  await page.getByTestId('breakpoint-direction').selectOption(rule.direction);
  await page.getByTestId('breakpoint-match').selectOption(rule.match);
  await page.getByTestId('breakpoint-value').fill(rule.value);
  if (rule.equals !== undefined) await page.getByTestId('breakpoint-equals').fill(rule.equals);
  const before = await page.getByTestId('breakpoint-rule').count();
  await page.getByTestId('breakpoint-add').click();
  if (!refused) await expect(page.getByTestId('breakpoint-rule')).toHaveCount(before + 1);
}

test('hold, forward, edit, drop and inject from the UI; both legs see valid frames', async ({ page }) => {
  const ui = new InspectorPage(page);
  await ui.open(inspector.url);
  await page.getByTestId('proxy-options').click();

  // A rule that cannot work is refused with the reason, and nothing is set.
  await addRule(page, { direction: 's2c', match: 'regex', value: '(unclosed' }, true);
  await expect(page.getByTestId('breakpoint-problem')).toContainText('Invalid regex "(unclosed"');
  await expect(page.getByTestId('breakpoint-rule')).toHaveCount(0);

  await addRule(page, { direction: 's2c', match: 'contains', value: 'hold:' });
  await addRule(page, { direction: 'c2s', match: 'json', value: '$.op', equals: '"buy"' });
  await expect(page.getByTestId('breakpoint-rule')).toHaveText([
    /↓ to the client: messages containing "hold:"/,
    /↑ to the server: messages with \$\.op = "buy"/,
  ]);

  await page.getByTestId('proxy-target').fill(server.url);
  await page.getByTestId('proxy-start').click();
  const item = page.getByTestId('proxy-item');
  await expect(item).toContainText('reverse');
  const address = (await item.locator('code').textContent()) ?? '';

  const serverSide = server.nextConnection();
  const ws = new WebSocket(`ws://${address}/desk`, { perMessageDeflate: DEFLATE });
  ws.on('error', () => undefined);
  const received: string[] = [];
  ws.on('message', (data: Buffer) => received.push(data.toString()));
  const clientWire = new Promise<ReturnType<typeof tapSocket>>((resolve) =>
    ws.once('upgrade', (response) => resolve(tapSocket(response.socket))),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const side = await serverSide;
  const client = await clientWire;
  const serverGot: string[] = [];
  side.ws.on('message', (data: Buffer) => serverGot.push(data.toString()));

  // Forward: the held message and the one queued behind it arrive in order.
  side.ws.send('hold: forward me');
  side.ws.send('queued behind');
  const held = page.getByTestId('held-item');
  await expect(held).toHaveCount(1);
  await expect(held).toContainText('↓ to the client');
  await expect(held).toContainText('/desk');
  await expect(page.getByTestId('held-payload')).toHaveText('hold: forward me');
  await expect(page.getByTestId('held-queued')).toContainText('1 message waiting behind it');
  expect(received).toEqual([]);
  await ui.screenshot('50-held-message');
  await page.getByTestId('held-forward').click();
  await expect.poll(() => received).toEqual(['hold: forward me', 'queued behind']);
  await expect(held).toHaveCount(0);

  // Edit toward the server: invalid JSON is refused and nothing is sent; valid JSON goes out instead of the original.
  ws.send('{"op":"buy","qty":1}');
  await expect(held).toContainText('↑ to the server');
  await page.getByTestId('held-edit').click();
  await expect(page.getByTestId('held-edit-kind')).toHaveValue('json');
  await page.getByTestId('held-edit-data').fill('{"op":"buy","qty":');
  await page.getByTestId('held-edit-send').click();
  await expect(page.getByTestId('held-edit-problem')).toContainText('Not valid JSON');
  await page.waitForTimeout(200);
  expect(serverGot).toEqual([]);
  await page.getByTestId('held-edit-data').fill('{"op":"buy","qty":5}');
  await page.getByTestId('held-edit-send').click();
  await expect.poll(() => serverGot).toEqual(['{"op":"buy","qty":5}']);
  ws.send('{"op":"note","text":"after the edit"}');
  await expect.poll(() => serverGot.at(-1)).toBe('{"op":"note","text":"after the edit"}');

  // Drop: the client never gets it; what follows still inflates.
  side.ws.send('hold: drop me');
  await expect(held).toHaveCount(1);
  await page.getByTestId('held-drop').click();
  side.ws.send('after the drop');
  await expect.poll(() => received.at(-1)).toBe('after the drop');
  expect(received).not.toContain('hold: drop me');

  // Inject from the connection's fault menu, toward the server.
  await ui.connections.items().first().click();
  await page.getByTestId('inject-message').click();
  await page.getByTestId('inject-direction').selectOption('c2s');
  await page.getByTestId('inject-data').fill('injected from the UI');
  await page.getByTestId('inject-send').click();
  await expect.poll(() => serverGot.at(-1)).toBe('injected from the UI');

  // Bytes on each leg: toward the server every frame is masked; the edited and re-compressed messages carry RSV1.
  const toServer = frames(side.incoming.bytes()).filter((f) => f.opcode === 1);
  expect(toServer.map((f) => [f.masked, f.rsv1])).toEqual([
    [true, true], // the edit, re-compressed by the relay
    [true, true], // re-compressed by the relay (context takeover)
    [true, false], // injected: never compressed
  ]);
  const toClient = frames(client.incoming.bytes()).filter((f) => f.opcode === 1);
  expect(toClient.map((f) => [f.masked, f.rsv1])).toEqual([
    [false, true],
    [false, true],
    [false, true],
  ]);

  // The message view marks what the inspector did: the forwarded server message, the client message it edited.
  await expect(page.getByTestId('row-mark')).toHaveText(['forwarded', 'edited']);
  await expect(page.getByTestId('row-mark').nth(1)).toHaveAttribute('title', /sent: \{"op":"buy","qty":5\}/);

  // The session records each hold and release; the findings name the inspector.
  await page.getByTestId('tab-findings').click();
  await expect(page.getByTestId('finding').filter({ hasText: 'held message edited' })).toHaveCount(1);

  // A message held when its connection closes goes with it.
  side.ws.send('hold: never released');
  await expect(held).toHaveCount(1);
  ws.terminate();
  await expect(held).toHaveCount(0);

  // A window opened later shows the rules in force.
  await page.reload();
  await page.getByTestId('proxy-options').click();
  await expect(page.getByTestId('breakpoint-rule')).toHaveCount(2);
  await expect(page.getByTestId('breakpoint-timeout')).toHaveValue('60');
});
