/**
 * The proxy's field-report faults imitate real gateways: the same backend gets the same request from nginx's
 * misconfiguration and from the fault, and the client sees the same failure; only the analysis differs (the fault run
 * names the inspector).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ProxyFaults } from '../../../shared/api/contract.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { nginxAvailable, startNginx, type RunningNginx } from '../../helpers/nginx.js';
import { proxyHarness, type ProxyHarness } from '../../helpers/proxy-harness.js';
import { versionSensitiveBackend, wsEchoBackend, type Backend } from './backends.js';

const UPGRADE_HEADERS = 'proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Outcome = { status: number; closeCode?: number };

/** What a ws client sees at `url`: the HTTP status of its upgrade and, once opened, its close code. */
function outcome(url: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', () => undefined);
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      ws.terminate();
      resolve({ status: res.statusCode ?? 0 });
    });
    ws.once('open', () => ws.once('close', (code) => resolve({ status: 101, closeCode: code })));
  });
}

async function backendOf(make: () => Promise<Backend>): Promise<Backend> {
  const backend = await make();
  cleanups.push(() => backend.close());
  return backend;
}

async function throughNginx(backend: Backend, location: string): Promise<Outcome> {
  const nginx: RunningNginx = await startNginx(`proxy_pass http://127.0.0.1:${backend.port}; ${location}`);
  cleanups.push(() => nginx.stop());
  return outcome(`${nginx.url}/ws`);
}

async function throughFault(backend: Backend, faults: ProxyFaults) {
  const harness: ProxyHarness = proxyHarness({ capture: 'inline' });
  cleanups.push(() => harness.dispose());
  const info = await harness.inspector.startProxy({ mode: 'reverse', target: backend.url, faults });
  const seen = await outcome(`ws://${info.address}/ws`);
  const events = await harness.waitFor((all) => all.some((e) => e.type === 'end'), 8000);
  return { seen, analysis: analyzeSession({ header: { startedAt: 0 }, events }) };
}

const requestLine = (head: string | undefined): string => head?.split('\r\n')[0] ?? '';

if (!nginxAvailable()) {
  describe.skip('field-report faults against nginx (nginx not installed)', () => undefined);
} else {
  describe('field-report faults against nginx', () => {
    it('--downgrade-http10 does what nginx without proxy_http_version 1.1 does to a Swoole-like backend', async () => {
      const real = await backendOf(versionSensitiveBackend);
      const viaNginx = await throughNginx(real, UPGRADE_HEADERS);
      const imitated = await backendOf(versionSensitiveBackend);
      const viaFault = await throughFault(imitated, { downgradeHttp10: true });

      expect(requestLine(real.heads[0])).toBe('GET /ws HTTP/1.0');
      expect(requestLine(imitated.heads[0])).toBe('GET /ws HTTP/1.0');
      expect(viaNginx).toEqual({ status: 101, closeCode: 1006 });
      expect(viaFault.seen).toEqual(viaNginx);
      const ids = viaFault.analysis.findings.map((f) => f.id);
      expect(ids).toEqual(['fault.injected']);
      expect(viaFault.analysis.findings[0]?.detail).toContain('[close.after-upgrade]');
    });

    it('--strip-upgrade does what nginx without Upgrade/Connection forwarding does to a ws server', async () => {
      const real = await backendOf(wsEchoBackend);
      const viaNginx = await throughNginx(real, 'proxy_http_version 1.1;');
      const imitated = await backendOf(wsEchoBackend);
      const viaFault = await throughFault(imitated, { stripUpgrade: true });

      expect(viaNginx.status).toBe(426);
      expect(viaFault.seen).toEqual(viaNginx);
      expect(real.heads).toEqual([]);
      expect(imitated.heads).toEqual([]);
      const finding = viaFault.analysis.findings.find((f) => f.id === 'fault.injected');
      expect(finding?.title).toBe(
        "Failure provoked by the inspector's fault injection (upgrade sent upstream without its Upgrade and Connection headers)",
      );
      expect(viaFault.analysis.findings.map((f) => f.id)).not.toContain('handshake.rejected');
    });
  });
}
