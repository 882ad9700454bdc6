// "Open inspected browser window": a window whose session (and only that session) goes through the forward proxy
// and trusts the local CA, so a web app's sockets are captured without touching system settings.
import { BrowserWindow, session } from 'electron';
import type { Session, WebContents } from 'electron';
import type {
  InspectedBrowserInfo,
  InspectorService,
  ProxyInfo,
  RequestOf,
} from '../../shared/api/contract.js';
import { CertificateAuthority } from '../proxy/ca-store.js';
import { trustOnlyInspectorCa } from '../proxy/ca-trust.js';
import { inspectedMayNavigate, inspectedPopup, inspectedWebPreferences } from './window-policy.js';

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
      webPreferences: { ...inspectedWebPreferences(), session: inspected },
    });
    confine(window.webContents, inspected, { open: 0 });
    await window.loadURL(page.href);
    return { proxy };
  };
}

/**
 * Applies the inspected-window policy (window-policy.ts) to a page and, through did-create-window, to every popup
 * it opens: http(s) only, popups in the same session and counted per inspected window, no <webview>.
 */
function confine(contents: WebContents, inspected: Session, popups: { open: number }): void {
  const refuse = (event: { url: string; preventDefault(): void }) => {
    if (!inspectedMayNavigate(event.url)) event.preventDefault();
  };
  contents.on('will-frame-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = inspectedPopup(url, popups.open);
    if (decision.action === 'deny') return { action: 'deny' };
    return {
      action: 'allow',
      overrideBrowserWindowOptions: { webPreferences: { ...decision.webPreferences, session: inspected } },
    };
  });
  contents.on('did-create-window', (popup) => {
    popups.open++;
    popup.once('closed', () => popups.open--);
    confine(popup.webContents, inspected, popups);
  });
}
