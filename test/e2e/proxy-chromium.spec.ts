/**
 * A real Chromium through the inspector's forward proxy: a page whose script opens a WebSocket (ws:// and wss://),
 * and the session shows the connection with both legs and the page's frames.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { WebSocketServer } from 'ws';
import { createInspector } from '../../main/core/inspector.js';
import type { Inspector } from '../../main/core/inspector.js';
import { createProxyController } from '../../main/proxy/controller.js';
import { analyzeSession } from '../../shared/analysis/index.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import { selfSignedCert } from '../helpers/proxy-wire.js';

const PAGE = `<!doctype html><title>ws through proxy</title><pre id="log"></pre><script>
  const log = (text) => (document.getElementById('log').textContent += text + '\\n');
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(scheme + '://' + location.host + '/socket?from=page');
  ws.onopen = () => ws.send('hello from chromium');
  ws.onmessage = (event) => { log('echo: ' + event.data); ws.close(1000, 'page done'); };
  ws.onclose = (event) => log('closed ' + event.code);
</script>`;

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

async function startPageServer(secure: boolean): Promise<PageServer> {
  const serve = (_req: http.IncomingMessage, res: http.ServerResponse): void => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  };
  const cert = secure ? selfSignedCert() : undefined;
  const server = cert
    ? https.createServer({ cert: cert.certPem, key: cert.keyPem }, serve)
    : http.createServer(serve);
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => {
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${secure ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let caDir: string;
let inspector: Inspector;
let proxyAddress: string;

test.beforeAll(async () => {
  caDir = mkdtempSync(path.join(os.tmpdir(), 'wsi-e2e-ca-'));
  inspector = createInspector({
    shell: 'cli',
    proxyController: createProxyController({ caDir, capture: 'inline' }),
  });
  // The test servers use self-signed certificates: the proxy accepts them upstream.
  const info = await inspector.startProxy({ mode: 'forward', insecure: true });
  proxyAddress = info.address;
});

test.afterAll(async () => {
  await inspector?.dispose();
  rmSync(caDir, { recursive: true, force: true });
});

async function connectionFor(url: string): Promise<CaptureEvent[]> {
  for (let i = 0; i < 100; i++) {
    const { events } = await inspector.snapshot(undefined);
    const start = events.find((e) => e.type === 'connection' && e.url === url);
    if (start) {
      const mine = events.filter((e) => e.conn === start.conn);
      if (mine.at(-1)?.type === 'end') return mine;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ended connection for ${url}`);
}

for (const secure of [false, true]) {
  test(`a page's ${secure ? 'wss' : 'ws'}:// WebSocket through the forward proxy is recorded`, async ({
    browser,
  }) => {
    const server = await startPageServer(secure);
    // Chromium never proxies loopback unless told to; the interception certificate is not trusted by this profile.
    const context = await browser.newContext({
      proxy: { server: `http://${proxyAddress}`, bypass: '<-loopback>' },
      ignoreHTTPSErrors: true,
    });
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/`);
      await expect(page.locator('#log')).toContainText('echo: hello from chromium');
      await expect(page.locator('#log')).toContainText('closed 1000');

      const url = `${secure ? 'wss' : 'ws'}://${server.origin.replace(/^https?:\/\//, '')}/socket?from=page`;
      const events = await connectionFor(url);
      const heads = events.flatMap((e) =>
        e.type === 'http-request' || e.type === 'http-response' ? [`${e.type}/${e.leg}`] : [],
      );
      expect(heads).toEqual([
        'http-request/downstream',
        'http-request/upstream',
        'http-response/upstream',
        'http-response/downstream',
      ]);
      const request = events.find((e) => e.type === 'http-request' && e.leg === 'downstream');
      expect(request?.type === 'http-request' && request.head.raw).toMatch(/User-Agent: [^\r]*Chrome/);
      const texts = events.flatMap((e) =>
        e.type === 'frame' && e.frame.opcode === 1
          ? [`${e.frame.dir}:${Buffer.from(e.frame.data, 'base64').toString()}`]
          : [],
      );
      expect(texts).toEqual(['c2s:hello from chromium', 's2c:hello from chromium']);
      expect(events.filter((e) => e.type === 'frame' && e.frame.opcode === 8)).toHaveLength(2);
    } finally {
      await context.close();
      await server.close();
    }
  });
}

test("a browser that does not trust the inspector's CA: the failed tunnel is recorded with the fix", async ({
  browser,
}) => {
  const server = await startPageServer(true);
  // This profile does not trust the interception certificate (no ignoreHTTPSErrors): the page cannot load.
  const context = await browser.newContext({
    proxy: { server: `http://${proxyAddress}`, bypass: '<-loopback>' },
  });
  try {
    const page = await context.newPage();
    await expect(page.goto(`${server.origin}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);

    const events = await connectionFor(`wss://${server.origin.replace(/^https:\/\//, '')}/`);
    expect(events.find((e) => e.type === 'error')).toMatchObject({
      code: 'TLS_CLIENT_REJECTED_CERT',
      leg: 'downstream',
      side: 'client',
    });
    const finding = analyzeSession({ header: { startedAt: 0 }, events }).findings.find(
      (f) => f.id === 'connect.failed',
    );
    expect(finding?.title).toContain('TLS_CLIENT_REJECTED_CERT');
    expect(finding?.fix).toContain("trust the inspector's CA certificate in that client");
  } finally {
    await context.close();
    await server.close();
  }
});
