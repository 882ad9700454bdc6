import type { InspectorApi, Unsubscribe } from '../../../shared/api/contract.js';
import { createApi } from '../../../shared/api/transport.js';
import type { Transport } from '../../../shared/api/transport.js';
import type { CoreLinkState } from './bridge-transport.js';
import { bridgeUrlFromPage, createBridgeTransport } from './bridge-transport.js';
import { createWorkerSocket } from './worker-socket.js';

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

/**
 * The preload's object as a Transport, so both shells go through `createApi` and the renderer only ever calls
 * contract methods (a method missing from an older preload fails as a rejected promise, not a TypeError).
 */
export function preloadTransport(preload: InspectorApi): Transport {
  const methods = preload as unknown as Record<string, ((payload?: unknown) => Promise<unknown>) | undefined>;
  return {
    invoke: (method, payload) => {
      const fn = methods[method];
      if (typeof fn !== 'function')
        return Promise.reject(new Error(`the Electron preload has no ${method}()`));
      return payload === undefined ? fn() : fn(payload);
    },
    subscribe: (event, listener) => preload.on(event, listener),
  };
}

export function connectToCore(win: Window): CoreLink {
  if (win.inspector) {
    const api = createApi(preloadTransport(win.inspector));
    return { api, shell: 'electron', state: () => 'connected', onState: () => () => undefined };
  }
  const transport = createBridgeTransport({
    url: bridgeUrlFromPage(win.location.href),
    ...(typeof Worker === 'function' ? { createSocket: createWorkerSocket } : {}),
  });
  return {
    api: createApi(transport),
    shell: 'browser',
    state: () => transport.state,
    onState: (listener) => transport.onState(listener),
  };
}
