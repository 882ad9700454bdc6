// The Electron shell: one window over the same core the browser bridge and the CLI use.
import { app, BrowserWindow, session, shell } from 'electron';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { DEFAULT_MAX_STORED_PAYLOAD, DEFAULT_PAYLOAD_BUDGET } from '../capture/payload-store.js';
import { createInspector } from '../core/inspector.js';
import { DEFAULT_MAX_CAPTURED_PAYLOAD } from '../../shared/protocol/frame-parser.js';
import { createShellProxyController } from '../proxy/threaded-controller.js';
import { makePrivate } from '../session/private-file.js';
import { createInspectedBrowserOpener } from './inspected-browser.js';
import { wireIpc } from './ipc.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererFile = join(here, '..', '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;

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
    webPreferences: {
      preload: join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  const unwire = wireIpc(service, window, rendererUrl);
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    unwire();
    void inspector.dispose();
  });
  await window.loadURL(rendererUrl);
}

app.enableSandbox();
void app.whenReady().then(async () => {
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
