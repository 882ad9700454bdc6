/**
 * Field reports reproduced with the real nginx in front of real backends: the inspector connects through nginx,
 * records the session file, and `wsi analyze --json` must explain what went wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../../shared/model/finding.js';
import { nginxAvailable, startNginx, type RunningNginx } from '../../helpers/nginx.js';
import { silentBackend, versionSensitiveBackend, wsEchoBackend, type Backend } from './backends.js';
import { capture, type Capture } from './harness.js';

const UPGRADE_HEADERS = 'proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection "upgrade";';

let nginx: RunningNginx | undefined;
let backend: Backend | undefined;
let rec: Capture | undefined;
afterEach(async () => {
  await rec?.cleanup();
  await nginx?.stop();
  await backend?.close();
  rec = nginx = backend = undefined;
});

const byId = (findings: Finding[], id: string): Finding => {
  const found = findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} among ${findings.map((f) => f.id).join(', ')}`);
  return found;
};

async function throughNginx(location: string, path = '/ws') {
  nginx = await startNginx(location);
  rec = await capture();
  const { conn } = await rec.inspector.connect({ url: `${nginx.url}${path}` });
  // A rejected handshake over a keep-alive connection may stay open on nginx's side: the client's error is enough.
  await rec.settled(conn, 20_000);
  return rec;
}

if (!nginxAvailable()) {
  describe.skip('nginx scenarios (skipped: /usr/sbin/nginx is not installed)', () => {
    it('needs nginx', () => undefined);
  });
} else {
  describe('nginx field reports', () => {
    it('default proxy_http_version (1.0) in front of a backend that closes HTTP/1.0 after 101', async () => {
      backend = await versionSensitiveBackend();
      const r = await throughNginx(`proxy_pass http://127.0.0.1:${backend.port}; ${UPGRADE_HEADERS}`);
      expect(backend.heads[0]).toMatch(/^GET \/ws HTTP\/1\.0\r\n/);
      const { code, json } = await r.analyzeFile();
      expect(code).toBe(0);
      expect(json.connections[0]).toMatchObject({
        status: 101,
        closeKind: 'tcp-fin',
        closeInitiator: 'server',
        browserCloseCode: 1006,
        closingHandshakeComplete: false,
      });
      const f = byId(json.findings, 'close.after-upgrade');
      expect(f.title).toMatch(/Server closed TCP \d+ ms after the 101, without a close frame/);
      expect(f.detail).toContain('proxy_http_version 1.1');
      expect(f.fix).toContain('proxy_http_version 1.1');
      byId(json.findings, 'close.abnormal');
    });

    it('missing proxy_set_header Upgrade/Connection in front of a ws server: 426 explained as lost upgrade', async () => {
      backend = await wsEchoBackend();
      const r = await throughNginx(`proxy_pass http://127.0.0.1:${backend.port}; proxy_http_version 1.1;`);
      const { json } = await r.analyzeFile();
      expect(json.connections[0]?.status).toBe(426);
      const f = byId(json.findings, 'handshake.upgrade-lost');
      expect(f.title).toContain('426');
      expect(f.detail).toMatch(/Server: nginx/);
      expect(f.fix).toContain('proxy_set_header Upgrade $http_upgrade');
      expect(json.findings.map((x) => x.id)).not.toContain('handshake.rejected');
    });

    it('short proxy_read_timeout (2 s) with an idle connection: drop without close frame after ~2 s, server side', async () => {
      backend = await wsEchoBackend();
      const r = await throughNginx(
        `proxy_pass http://127.0.0.1:${backend.port}; proxy_http_version 1.1; ${UPGRADE_HEADERS} proxy_read_timeout 2s; proxy_send_timeout 2s;`,
      );
      const { json } = await r.analyzeFile(['--idle-threshold', '2']);
      const [summary] = json.connections;
      expect(summary).toMatchObject({
        status: 101,
        closeInitiator: 'server',
        closeCode: null,
        browserCloseCode: 1006,
      });
      expect(['tcp-fin', 'tcp-rst']).toContain(summary?.closeKind);
      expect(summary?.maxSilenceMs).toBeGreaterThanOrEqual(1_900);
      expect(summary?.maxSilenceMs).toBeLessThan(3_500);
      const f = byId(json.findings, 'close.idle-drop');
      expect(f.title).toMatch(/after 2\.\d s of silence \(server side ended TCP\)/);
      expect(f.detail).toContain('your configured idle threshold');
      expect(f.fix).toMatch(/every 1\.0 s/);
    });

    it('upstream that never answers, proxy_read_timeout 2 s: 504 from nginx after ~2 s', async () => {
      backend = await silentBackend();
      const r = await throughNginx(
        `proxy_pass http://127.0.0.1:${backend.port}; proxy_http_version 1.1; ${UPGRADE_HEADERS} proxy_read_timeout 2s;`,
      );
      const { json } = await r.analyzeFile();
      expect(json.connections[0]?.status).toBe(504);
      const f = byId(json.findings, 'handshake.gateway-error');
      expect(f.title).toContain('504');
      expect(f.detail).toMatch(/from nginx\/[\d.]+ 2\.\d s after the request/);
    });
  });
}
