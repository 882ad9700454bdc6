import type { InspectorApi, Unsubscribe } from '../../../shared/api/contract.js';
import { createApi } from '../../../shared/api/transport.js';
import type { CoreLinkState } from './bridge-transport.js';
import { bridgeUrlFromPage, createBridgeTransport } from './bridge-transport.js';

/** The API plus the health of the link to the core (always connected under Electron). */
export interface CoreLink {
  api: InspectorApi;
  shell: 'electron' | 'browser';
  state(): CoreLinkState;
  onState(listener: (state: CoreLinkState) => void): Unsubscribe;
}

declare global {
  interface Window {
    /** Exposed by the Electron preload: one function per contract method, plus `on`. */
    inspector?: InspectorApi;
  }
}

export function connectToCore(win: Window): CoreLink {
  if (win.inspector) {
    const api = win.inspector;
    return { api, shell: 'electron', state: () => 'connected', onState: () => () => undefined };
  }
  const transport = createBridgeTransport({ url: bridgeUrlFromPage(win.location.href) });
  return {
    api: createApi(transport),
    shell: 'browser',
    state: () => transport.state,
    onState: (listener) => transport.onState(listener),
  };
}
