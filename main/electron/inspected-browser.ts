// "Open inspected browser window": a window whose session (and only that session) goes through the forward proxy
// and trusts the local CA, so a web app's sockets are captured without touching system settings.
import type { Certificate } from 'electron';
import { BrowserWindow, session } from 'electron';
import { X509Certificate } from 'node:crypto';
import type {
  InspectedBrowserInfo,
  InspectorService,
  ProxyInfo,
  RequestOf,
} from '../../shared/api/contract.js';
import { CertificateAuthority } from '../proxy/ca-store.js';

/** Chromium's verify-proc results: 0 trusts the certificate, -3 defers to Chromium's own verification. */
const TRUST = 0;
const USE_CHROMIUM_RESULT = -3;

/** True when the leaf was issued by our CA (its signature verifies with the CA's public key). */
function issuedBy(ca: X509Certificate, certificate: Certificate): boolean {
  try {
    return new X509Certificate(certificate.data).verify(ca.publicKey);
  } catch {
    return false;
  }
}

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
    const ca = new X509Certificate((await CertificateAuthority.loadOrCreate(caDir)).certPem);

    const inspected = session.fromPartition(`inspected-${++windows}`, { cache: false });
    // Chromium bypasses proxies for loopback by default; a local dev server must be captured too.
    await inspected.setProxy({ proxyRules: proxy.address, proxyBypassRules: '<-loopback>' });
    inspected.setCertificateVerifyProc((request, callback) => {
      callback(issuedBy(ca, request.certificate) ? TRUST : USE_CHROMIUM_RESULT);
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
