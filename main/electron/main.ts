// The Electron shell: one window over the same core the browser bridge and the CLI use.
import './before-ready.js';
import { app, BrowserWindow, protocol, session, shell } from 'electron';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_MAX_STORED_PAYLOAD, DEFAULT_PAYLOAD_BUDGET } from '../capture/payload-store.js';
import { createInspector } from '../core/inspector.js';
import { DEFAULT_MAX_CAPTURED_PAYLOAD } from '../../shared/protocol/frame-parser.js';
import { createShellProxyController } from '../proxy/threaded-controller.js';
import { makePrivate } from '../session/private-file.js';
import { createInspectedBrowserOpener } from './inspected-browser.js';
import { wireIpc } from './ipc.js';
import { RENDERER_SCHEME, RENDERER_URL, serveRendererRequest } from './renderer-protocol.js';
import { inspectorMayNavigate, inspectorWebPreferences, inspectorWindowOpen } from './window-policy.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererRoot = join(here, '..', '..', 'renderer');

async function createWindow(): Promise<void> {
  const caDir = join(app.getPath('userData'), 'ca');
  const inspector = createInspector({
    shell: 'electron',
    proxyController: createShellProxyController({ caDir }),
    maxCapturedPayload: DEFAULT_MAX_CAPTURED_PAYLOAD,
    maxStoredPayload: DEFAULT_MAX_STORED_PAYLOAD,
    payloadBudget: DEFAULT_PAYLOAD_BUDGET,
  });
  const service = { ...inspector, openInspectedBrowser: createInspectedBrowserOpener(inspector, caDir) };
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'WebSocket Inspector',
    show: false,
    webPreferences: inspectorWebPreferences(join(here, 'preload.cjs')),
  });
  const unwire = wireIpc(service, window, RENDERER_URL);
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (inspectorWindowOpen(url).openExternally) void shell.openExternal(url);
    return { action: 'deny' };
  });
  const stay = (event: { url: string; preventDefault(): void }) => {
    if (!inspectorMayNavigate(event.url)) event.preventDefault();
  };
  window.webContents.on('will-frame-navigate', stay);
  window.webContents.on('will-redirect', stay);
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    unwire();
    void inspector.dispose();
  });
  await window.loadURL(RENDERER_URL);
}

void app.whenReady().then(async () => {
  // Registered on the default session only: the inspected windows' sessions cannot load wsi:// at all.
  protocol.handle(RENDERER_SCHEME, (request) => serveRendererRequest(rendererRoot, request));
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // "Save session…" and the exports are downloads; they hold headers and cookies, so owner-only like `--out`.
  session.defaultSession.on('will-download', (_event, item) => {
    item.once('done', (_done, state) => {
      if (state === 'completed') void makePrivate(item.getSavePath()).catch(() => undefined);
    });
  });
  await createWindow();
});
app.on('window-all-closed', () => app.quit());
