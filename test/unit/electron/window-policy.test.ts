import { describe, expect, it } from 'vitest';
import { RENDERER_URL } from '../../../main/electron/renderer-protocol.js';
import {
  inspectedMayNavigate,
  inspectedPopup,
  inspectedWebPreferences,
  inspectorMayNavigate,
  inspectorWebPreferences,
  inspectorWindowOpen,
  MAX_INSPECTED_POPUPS,
} from '../../../main/electron/window-policy.js';

const lockedDown = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInSubFrames: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  disablePopupBlocking: false,
};

describe('window webPreferences', () => {
  it('the inspector window is isolated and sandboxed, without Node, with its preload', () => {
    expect(inspectorWebPreferences('/app/preload.cjs')).toMatchObject({
      ...lockedDown,
      preload: '/app/preload.cjs',
    });
  });

  it('inspected windows are locked down the same way and get no preload', () => {
    const prefs = inspectedWebPreferences();
    expect(prefs).toMatchObject(lockedDown);
    expect(prefs).not.toHaveProperty('preload');
  });
});

describe('inspector window navigation', () => {
  it('stays on its own page', () => {
    expect(inspectorMayNavigate(RENDERER_URL)).toBe(true);
    expect(inspectorMayNavigate(`${RENDERER_URL}#frames`)).toBe(true);
    for (const url of [
      'https://example.com/',
      'wsi://app/other.html',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      `${RENDERER_URL}?x=1`,
    ]) {
      expect(inspectorMayNavigate(url), url).toBe(false);
    }
  });

  it('sends http(s) links to the system browser and drops every other window.open', () => {
    expect(inspectorWindowOpen('https://github.com/').openExternally).toBe(true);
    expect(inspectorWindowOpen('http://127.0.0.1:8080/').openExternally).toBe(true);
    for (const url of ['file:///etc/passwd', 'smb://host/share', 'wsi://app/index.html', 'not a url']) {
      expect(inspectorWindowOpen(url).openExternally, url).toBe(false);
    }
  });
});

describe('inspected window navigation and popups', () => {
  it('navigates to web pages only', () => {
    expect(inspectedMayNavigate('https://app.example/login')).toBe(true);
    expect(inspectedMayNavigate('http://127.0.0.1:3000/')).toBe(true);
    for (const url of [
      'file:///home/user/.ssh/id_rsa',
      'wsi://app/index.html',
      'javascript:alert(1)',
      'data:text/html,hi',
      'chrome://settings',
      'ms-settings:privacy',
      'about:blank',
    ]) {
      expect(inspectedMayNavigate(url), url).toBe(false);
    }
  });

  it('opens http(s) and about:blank popups as further locked-down windows, up to the cap', () => {
    const allowed = inspectedPopup('https://login.example/oauth', 0);
    expect(allowed).toEqual({ action: 'allow', webPreferences: inspectedWebPreferences() });
    expect(inspectedPopup('about:blank', MAX_INSPECTED_POPUPS - 1).action).toBe('allow');
    expect(inspectedPopup('https://login.example/oauth', MAX_INSPECTED_POPUPS)).toEqual({
      action: 'deny',
      reason: `at most ${MAX_INSPECTED_POPUPS} popups are open at once`,
    });
  });

  it('refuses popups to other schemes, naming the scheme', () => {
    expect(inspectedPopup('file:///etc/passwd', 0)).toEqual({
      action: 'deny',
      reason: 'popups open http(s) pages only, not file:',
    });
    expect(inspectedPopup('javascript:alert(1)', 0).action).toBe('deny');
    expect(inspectedPopup('wsi://app/index.html', 0).action).toBe('deny');
    expect(inspectedPopup('::', 0)).toEqual({
      action: 'deny',
      reason: 'popups open http(s) pages only, not a malformed URL',
    });
  });
});
