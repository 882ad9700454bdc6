import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import WebSocket from 'ws';
import { InspectorPage } from './support/inspector-page.js';
import { withInspectorAndEcho } from './support/suite.js';

const servers = withInspectorAndEcho();

/** Starts a reverse proxy in front of the echo server from the UI; returns its listening address. */
async function startProxyFromUi(page: Page, setFaults?: () => Promise<void>): Promise<string> {
  await page.getByTestId('proxy-options').click();
  await page.getByTestId('proxy-target').fill(servers.echo.url.replace('/echo', ''));
  if (setFaults) await setFaults();
  await page.getByTestId('proxy-start').click();
  const item = page.getByTestId('proxy-item');
  await expect(item).toContainText('reverse');
  return (await item.locator('code').textContent()) ?? '';
}

/** A `ws` client that has exchanged one message through the proxy; `closed` resolves with its close event code. */
async function openClient(url: string): Promise<{ closed: Promise<number> }> {
  const ws = new WebSocket(url);
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => ws.send('before the fault'));
    ws.on('message', () => resolve());
    ws.on('error', reject);
  });
  return { closed };
}

test('Drop (FIN) from the fault menu: the client sees 1006, the inspector is named as the closer', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  const address = await startProxyFromUi(page);
  const client = await openClient(`ws://${address}/echo`);

  const proxied = ui.connections.items().first();
  await proxied.click();
  await expect(proxied).toContainText('open');
  const menu = page.getByRole('toolbar', { name: 'Inject fault' });
  await expect(menu).toBeVisible();
  await page.getByTestId('fault-close').click();
  await expect(page.getByRole('form', { name: 'Close with code' })).toBeVisible();
  await page.getByTestId('fault-close-code').fill('1005');
  await page.getByTestId('fault-close-send').click();
  await expect(page.getByRole('alert').filter({ hasText: '1005 is reserved' })).toBeVisible();
  await ui.screenshot('30-fault-menu', ui.connection.header());
  await page.getByTestId('fault-close').click();

  await menu.getByRole('button', { name: 'Drop (FIN)' }).click();
  expect(await client.closed).toBe(1006);
  await expect(ui.connection.closeSummary()).toContainText(
    'closed by the inspector (fault injection: TCP FIN without a close frame to both sides)',
  );
  await expect(ui.connection.closeSummary()).toContainText('1006');
  await expect(proxied).toContainText('closed by the inspector');
  await expect(menu).toHaveCount(0);
  await ui.screenshot('31-fault-fin-closed');
  await page.getByTestId('proxy-stop').click();
});

/** A `ws` client through the proxy that records what it receives, with timestamps. */
async function recordingClient(url: string) {
  const ws = new WebSocket(url);
  const received: { text: string; at: number }[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer) => received.push({ text: data.toString(), at: performance.now() }));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  /** Sends `text` and resolves with the milliseconds until its echo arrived. */
  const roundTrip = async (text: string): Promise<number> => {
    const sentAt = performance.now();
    ws.send(text);
    await expect.poll(() => received.some((m) => m.text === text), { timeout: 10_000 }).toBe(true);
    return received.find((m) => m.text === text)!.at - sentAt;
  };
  return { ws, received, closed, roundTrip };
}

test('Stall, Resume, Latency and Close with code from the fault menu act on the relay and stay shown', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  const address = await startProxyFromUi(page);
  const client = await recordingClient(`ws://${address}/echo`);
  await client.roundTrip('warm-up');
  const proxied = ui.connections.items().first();
  await proxied.click();
  const stall = page.getByTestId('fault-stall');
  const status = page.getByTestId('fault-status');

  await stall.click();
  await expect(stall).toHaveText('Resume');
  await expect(status).toHaveText('stalled ↑ ↓');
  client.ws.send('held');
  await page.waitForTimeout(500);
  expect(client.received.map((m) => m.text)).not.toContain('held');
  // The state comes from the recorded faults: a reload shows the relay still stalled.
  await page.reload();
  await ui.connections.items().first().click();
  await expect(stall).toHaveText('Resume');
  await stall.click();
  await expect.poll(() => client.received.map((m) => m.text)).toContain('held');
  await expect(stall).toHaveText('Stall');
  await expect(status).toHaveCount(0);

  await page.getByTestId('fault-latency').click();
  await page.getByTestId('fault-latency-ms').fill('300');
  await page.getByTestId('fault-latency-apply').click();
  await expect(status).toHaveText('latency 300 ms ↑ ↓');
  // 300 ms each way: the echo cannot come back sooner than 600 ms.
  expect(await client.roundTrip('slow')).toBeGreaterThanOrEqual(590);
  await ui.screenshot('35-fault-latency', ui.connection.header());
  await page.getByTestId('fault-latency').click();
  await page.getByTestId('fault-latency-ms').fill('0');
  await page.getByTestId('fault-latency-apply').click();
  await expect(status).toHaveCount(0);

  await page.getByTestId('fault-close').click();
  await page.getByTestId('fault-close-code').fill('4001');
  await page.getByTestId('fault-close-reason').fill('maintenance');
  await page.getByTestId('fault-close-send').click();
  expect(await client.closed).toEqual({ code: 4001, reason: 'maintenance' });
  await expect(ui.connection.closeSummary()).toContainText('4001');
  await expect(ui.connection.closeSummary()).toContainText('closed by the inspector');
  await page.getByTestId('proxy-options').click(); // collapsed again since the reload
  await page.getByTestId('proxy-stop').click();
});

test('the start form’s Faults section: 100 % rejected upgrades answer 503 from the inspector', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  const address = await startProxyFromUi(page, async () => {
    await page.getByTestId('proxy-faults').click();
    await page.getByTestId('proxy-fault-rejectUpgradePercent').fill('100');
    await page.getByTestId('proxy-fault-rejectStatus').fill('503');
    await ui.screenshot('32-proxy-faults-form', page.getByRole('form', { name: 'Start a proxy' }));
  });
  const status = await new Promise<number>((resolve) => {
    const ws = new WebSocket(`ws://${address}/echo`);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('error', () => undefined);
  });
  expect(status).toBe(503);
  await expect(ui.connections.items().first()).toContainText('refused by the inspector');
  await page.getByTestId('proxy-stop').click();
});

test('the start form’s message faults: a dropped message never reaches the server, close after N names the inspector', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  const address = await startProxyFromUi(page, async () => {
    await page.getByTestId('proxy-faults').click();
    await page.getByTestId('proxy-fault-closeAfter').fill('3:1006');
    await page.getByTestId('proxy-start').click();
    await expect(page.getByRole('alert').filter({ hasText: 'Close after: 1006 is reserved' })).toBeVisible();
    await page.getByTestId('proxy-fault-dropMessages').fill('c2s:regex:(');
    await page.getByTestId('proxy-start').click();
    await expect(
      page.getByRole('alert').filter({ hasText: 'Drop messages "c2s:regex:(": invalid regex' }),
    ).toBeVisible();
    await expect(page.getByTestId('proxy-item')).toHaveCount(0);
    await page.getByTestId('proxy-fault-dropMessages').fill('c2s:contains:secret');
    await page.getByTestId('proxy-fault-closeAfter').fill('3:4000:qa run');
    await page.getByTestId('proxy-fault-delayS2c').fill('50:10');
    await ui.screenshot('36-proxy-message-faults-form', page.getByRole('form', { name: 'Start a proxy' }));
  });
  const client = await recordingClient(`ws://${address}/echo`);
  client.ws.send('the secret');
  await client.roundTrip('one');
  client.ws.send('two');
  expect(await client.closed).toEqual({ code: 4000, reason: 'qa run' });
  expect(client.received.map((m) => m.text)).toEqual(['one']);

  const proxied = ui.connections.items().first();
  await proxied.click();
  await expect(ui.connection.closeSummary()).toContainText('closed by the inspector');
  await expect(ui.connection.closeSummary()).toContainText(
    'close frame 4000 "qa run" to both sides after 3 messages',
  );
  await page.getByTestId('tab-findings').click();
  const findings = page.getByTestId('finding');
  await expect(
    findings.filter({ hasText: 'dropped (client → server; rule: messages containing "secret")' }),
  ).toHaveCount(1);
  await expect(findings.filter({ hasText: 'delay 50 ms ± 10 ms per chunk (server → client)' })).toHaveCount(
    1,
  );
  await page.getByTestId('proxy-stop').click();
});

test('Inject message… writes JSON to the client and text and a close to the server; bad JSON is refused', async ({
  page,
}) => {
  const ui = new InspectorPage(page);
  await ui.open(servers.inspector.url);
  const address = await startProxyFromUi(page);
  const client = await recordingClient(`ws://${address}/echo`);
  await client.roundTrip('before');
  await ui.connections.items().first().click();
  await page.getByTestId('inject-message').click();
  const form = page.getByRole('form', { name: 'Inject message' });

  await page.getByTestId('inject-kind').selectOption('json');
  await page.getByTestId('inject-data').fill('{"op": ');
  await page.getByTestId('inject-send').click();
  await expect(form.getByRole('alert')).toContainText('Not valid JSON');
  await page.waitForTimeout(200);
  expect(client.received.map((m) => m.text)).toEqual(['before']);

  await page.getByTestId('inject-data').fill('{"op":"injected"}');
  await page.getByTestId('inject-send').click();
  await expect.poll(() => client.received.map((m) => m.text)).toEqual(['before', '{"op":"injected"}']);

  // Towards the server the frame is masked (the echo server would refuse it otherwise) and comes back as an echo.
  await page.getByTestId('inject-direction').selectOption('c2s');
  await page.getByTestId('inject-kind').selectOption('text');
  await page.getByTestId('inject-data').fill('to the server');
  await page.getByTestId('inject-send').click();
  await expect.poll(() => client.received.map((m) => m.text)).toContain('to the server');
  await ui.screenshot('38-inject-message', ui.connection.header());

  await page.getByTestId('inject-kind').selectOption('close');
  await page.getByTestId('inject-code').fill('4005');
  await page.getByTestId('inject-reason').fill('qa');
  await page.getByTestId('inject-send').click();
  expect(await client.closed).toEqual({ code: 4005, reason: 'qa' });
  await page.getByTestId('tab-findings').click();
  await expect(
    page.getByTestId('finding').filter({ hasText: 'text of 17 bytes injected (server → client)' }),
  ).toHaveCount(1);
  await expect(
    page.getByTestId('finding').filter({ hasText: 'text of 13 bytes injected (client → server)' }),
  ).toHaveCount(1);
  await page.getByTestId('proxy-stop').click();
});
