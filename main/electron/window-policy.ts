// What the two kinds of window may load, open and run. Pure: main.ts and inspected-browser.ts apply these to
// Electron's events; the tests check them without Electron.
import { RENDERER_URL } from './renderer-protocol.js';

/** Settings every window shares: no Node, isolated and sandboxed pages, no <webview>, Chromium's popup blocker. */
const LOCKED_DOWN = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  disablePopupBlocking: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

/** The inspector window: the locked-down settings plus the preload that exposes the contract. */
export function inspectorWebPreferences(preload: string) {
  return { ...LOCKED_DOWN, preload };
}

/** An inspected browser window (and its popups): locked down, no preload, so the page never sees the inspector. */
export function inspectedWebPreferences() {
  return { ...LOCKED_DOWN };
}

const withoutFragment = (url: string): string => url.split('#')[0] ?? url;

/** The inspector window navigates only within its own page (a reload, a #fragment). */
export function inspectorMayNavigate(url: string): boolean {
  return withoutFragment(url) === RENDERER_URL;
}

/**
 * A link the inspector's page tries to open in a new window: never a window of the app; http(s) goes to the
 * system browser, anything else is dropped.
 */
export function inspectorWindowOpen(url: string): { openExternally: boolean } {
  return { openExternally: isWebUrl(url) };
}

/**
 * The inspected window is a browser for web pages: it (and its frames and redirects) may go to http(s) URLs only,
 * never file:, the app's own scheme, data:, javascript:, chrome: or an OS protocol handler.
 */
export function inspectedMayNavigate(url: string): boolean {
  return isWebUrl(url);
}

/** How many popups one inspected window may have open at once (a login popup, a payment page). */
export const MAX_INSPECTED_POPUPS = 4;

export type PopupDecision =
  | { action: 'allow'; webPreferences: ReturnType<typeof inspectedWebPreferences> }
  | { action: 'deny'; reason: string };

/**
 * window.open / target=_blank from an inspected page: an http(s) popup (or an about:blank one its opener then
 * fills or navigates, as login flows do) opens as another inspected window (same session, so its sockets are
 * captured too) up to MAX_INSPECTED_POPUPS at once; anything else is refused.
 */
export function inspectedPopup(url: string, openPopups: number): PopupDecision {
  if (!isWebUrl(url) && url !== 'about:blank') {
    return { action: 'deny', reason: `popups open http(s) pages only, not ${schemeOf(url)}` };
  }
  if (openPopups >= MAX_INSPECTED_POPUPS) {
    return { action: 'deny', reason: `at most ${MAX_INSPECTED_POPUPS} popups are open at once` };
  }
  return { action: 'allow', webPreferences: inspectedWebPreferences() };
}

function isWebUrl(url: string): boolean {
  const scheme = schemeOf(url);
  return scheme === 'http:' || scheme === 'https:';
}

function schemeOf(url: string): string {
  try {
    return new URL(url).protocol;
  } catch {
    return 'a malformed URL';
  }
}
