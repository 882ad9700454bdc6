/**
 * The nginx field reports again, with the inspector's reverse proxy between nginx and the backend:
 * client (ws) → nginx → wsi proxy → backend. The proxy sees both legs, so the analysis can say more.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Finding, SessionAnalysis } from '../../../shared/model/finding.js';
import { nginxAvailable, startNginx, type RunningNginx } from '../../helpers/nginx.js';
import { proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { silentBackend, versionSensitiveBackend, wsEchoBackend, type Backend } from './backends.js';

const UPGRADE_HEADERS = 'proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";';

let nginx: RunningNginx | undefined;
let backend: Backend | undefined;
let harness: ProxyHarness | undefined;
afterEach(async () => {
  await nginx?.stop();
  await harness?.dispose();
  await backend?.close();
  nginx = backend = harness = undefined;
});

const byId = (findings: Finding[], id: string): Finding => {
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} among ${findings.map((f) => `${f.id}: ${f.title}`).join(' | ')}`);
  return found;
};

/** Opens a ws client through nginx → proxy → backend and waits until the proxied connection has ended. */
async function scenario(
  makeBackend: () => Promise<Backend>,
  location: (proxyPort: number) => string,
  settle: 'end' | 'client-rejected' = 'end',
) {
  backend = await makeBackend();
  harness = proxyHarness();
  const info = await harness.inspector.startProxy({ mode: 'reverse', target: backend.url });
  const proxyPort = Number(info.address.split(':').pop());
  nginx = await startNginx(location(proxyPort));
  const client = new WebSocket(`${nginx.url}/ws`, { perMessageDeflate: false });
  client.on('error', () => undefined);
  const rejected = new Promise<number>((resolve) =>
    client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
  );
  let events: CaptureEvent[];
  if (settle === 'end') {
    events = await harness.waitFor(
      (all) => all.some((e) => e.type === 'connection') && all.some((e) => e.type === 'end'),
      15_000,
    );
  } else {
    // nginx answers the client itself (504); the proxy's upstream still waits, so analyze the live session.
    expect(await rejected).toBe(504);
    events = await harness.events();
  }
  client.terminate();
  const now = harness.inspector.clock.now();
  const analysis: SessionAnalysis = analyzeSession(
    { header: harness.inspector.header, events },
    { idleThresholdMs: 2_000, handshakeTimeoutMs: 1_500, now },
  );
  return { events, analysis };
}

const legsOf = (events: CaptureEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'http-request' ? [`${e.leg} HTTP/${e.head.httpVersion}`] : []));

if (!nginxAvailable()) {
  describe.skip('nginx + wsi proxy scenarios (skipped: /usr/sbin/nginx is not installed)', () => {
    it('needs nginx', () => undefined);
  });
} else {
  describe('nginx → wsi proxy → backend', () => {
    it('nginx default HTTP/1.0: the proxy sees the HTTP/1.0 request and the backend closing after 101', async () => {
      const { events, analysis } = await scenario(
        versionSensitiveBackend,
        (p) => `proxy_pass http://127.0.0.1:${p}; ${UPGRADE_HEADERS}`,
      );
      expect(legsOf(events)).toContain('downstream HTTP/1.0');
      expect(byId(analysis.findings, 'handshake.http10').fix).toContain('proxy_http_version 1.1');
      const f = byId(analysis.findings, 'close.after-upgrade');
      expect(f.detail).toContain('was HTTP/1.0');
      expect(analysis.connections[0]).toMatchObject({
        status: 101,
        closeInitiator: 'server',
        browserCloseCode: 1006,
      });
    });

    it('nginx without Upgrade/Connection forwarding: the downstream request has the key but not the upgrade', async () => {
      const { analysis } = await scenario(
        wsEchoBackend,
        (p) => `proxy_pass http://127.0.0.1:${p}; proxy_http_version 1.1;`,
      );
      const f = byId(analysis.findings, 'handshake.upgrade-lost');
      expect(f.detail).toMatch(/carries Sec-WebSocket-Key but not Upgrade: websocket/);
    });

    it('proxy_read_timeout 2s: nginx (the client side of the proxy) drops the idle connection after ~2 s', async () => {
      const { analysis } = await scenario(
        wsEchoBackend,
        (p) =>
          `proxy_pass http://127.0.0.1:${p}; proxy_http_version 1.1; ${UPGRADE_HEADERS} proxy_read_timeout 2s; proxy_send_timeout 2s;`,
      );
      const f = byId(analysis.findings, 'close.idle-drop');
      expect(f.title).toMatch(/after 2\.\d s of silence \(client side ended TCP\)/);
      expect(f.detail).toContain('a proxy between it and the inspector');
      expect(analysis.connections[0]?.closeInitiator).toBe('client');
    });

    it('silent upstream: nginx answers 504 after proxy_read_timeout; the proxy saw no answer to the upgrade for ~2 s', async () => {
      const { analysis } = await scenario(
        silentBackend,
        (p) =>
          `proxy_pass http://127.0.0.1:${p}; proxy_http_version 1.1; ${UPGRADE_HEADERS} proxy_read_timeout 2s;`,
        'client-rejected',
      );
      const f = byId(analysis.findings, 'handshake.no-response');
      expect(f.title).toMatch(
        /^No answer to the upgrade request (for 2\.\d s|; client side closed the connection after 2\.\d s)/,
      );
    });
  });
}
