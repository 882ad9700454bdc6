// "Open inspected browser window": a window whose session (and only that session) goes through the forward proxy
// and trusts the local CA, so a web app's sockets are captured without touching system settings.
import { BrowserWindow, session } from 'electron';
import type {
  InspectedBrowserInfo,
  InspectorService,
  ProxyInfo,
  RequestOf,
} from '../../shared/api/contract.js';
import { CertificateAuthority } from '../proxy/ca-store.js';
import { trustOnlyInspectorCa } from '../proxy/ca-trust.js';

export function createInspectedBrowserOpener(
  service: InspectorService,
  caDir: string,
): (request: RequestOf<'openInspectedBrowser'>) => Promise<InspectedBrowserInfo> {
  let windows = 0;
  let forward: ProxyInfo | undefined;

  const forwardProxy = async (): Promise<ProxyInfo> => {
    const running =
      forward && (await service.listProxies(undefined)).find((p) => p.id === forward?.id && p.active);
    forward = running ?? (await service.startProxy({ mode: 'forward' }));
    return forward;
  };

  return async ({ url }) => {
    const page = new URL(url);
    if (page.protocol !== 'http:' && page.protocol !== 'https:') {
      throw new Error(`the inspected window opens http:// or https:// pages, not ${page.protocol}`);
    }
    const proxy = await forwardProxy();
    const verdict = trustOnlyInspectorCa((await CertificateAuthority.loadOrCreate(caDir)).certPem);

    const inspected = session.fromPartition(`inspected-${++windows}`, { cache: false });
    // Chromium bypasses proxies for loopback by default; a local dev server must be captured too.
    await inspected.setProxy({ proxyRules: proxy.address, proxyBypassRules: '<-loopback>' });
    inspected.setCertificateVerifyProc((request, callback) => {
      callback(verdict(request.certificate.data, request.hostname));
    });
    inspected.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));

    const window = new BrowserWindow({
      width: 1200,
      height: 800,
      title: `Inspected: ${page.host}`,
      webPreferences: { session: inspected, contextIsolation: true, sandbox: true, nodeIntegration: false },
    });
    await window.loadURL(page.href);
    return { proxy };
  };
}
