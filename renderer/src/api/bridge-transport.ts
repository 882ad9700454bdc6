import type { EventName, MethodName, Unsubscribe } from '../../../shared/api/contract.js';
import { isEventName } from '../../../shared/api/contract.js';
import type { BridgePush, BridgeReply, BridgeRequest, Transport } from '../../../shared/api/transport.js';

export type CoreLinkState = 'connecting' | 'connected' | 'disconnected';

/** The subset of the browser WebSocket this transport uses (so tests can pass the `ws` package's client). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

/** The page's own WebSocket. */
export const pageSocket: SocketFactory = (url) => new WebSocket(url) as unknown as SocketLike;

export interface BridgeTransport extends Transport {
  readonly state: CoreLinkState;
  /** Called on every state change; also tells the app when to re-synchronise after a reconnect. */
  onState(listener: (state: CoreLinkState) => void): Unsubscribe;
  dispose(): void;
}

export interface BridgeTransportOptions {
  url: string;
  createSocket?: SocketFactory;
  /** Backoff bounds for reconnecting, ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const OPEN = 1;

/** Build the /api WebSocket URL from the page URL, carrying the page's token. */
export function bridgeUrlFromPage(pageUrl: string): string {
  const page = new URL(pageUrl);
  const api = new URL('api', page.origin + '/');
  api.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = page.searchParams.get('token');
  if (token) api.searchParams.set('token', token);
  return api.toString();
}

export class CoreDisconnectedError extends Error {
  constructor() {
    super('disconnected from core');
    this.name = 'CoreDisconnectedError';
  }
}

export function createBridgeTransport(options: BridgeTransportOptions): BridgeTransport {
  const createSocket = options.createSocket ?? pageSocket;
  const minDelay = options.minDelayMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 5000;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));

  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(state: CoreLinkState) => void>();
  let state: CoreLinkState = 'connecting';
  let socket: SocketLike | null = null;
  let nextId = 1;
  let delay = minDelay;
  let timer: unknown = null;
  let disposed = false;

  const setState = (next: CoreLinkState): void => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const failPending = (): void => {
    for (const { reject } of pending.values()) reject(new CoreDisconnectedError());
    pending.clear();
  };

  const onMessage = (raw: unknown): void => {
    if (typeof raw !== 'string') return;
    let message: BridgeReply | BridgePush;
    try {
      message = JSON.parse(raw) as BridgeReply | BridgePush;
    } catch {
      return;
    }
    if ('id' in message) {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(message.error));
    } else if (isEventName(message.event)) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
    }
  };

  const scheduleReconnect = (): void => {
    if (disposed || timer !== null) return;
    timer = setTimer(() => {
      timer = null;
      open();
    }, delay);
    delay = Math.min(maxDelay, delay * 2);
  };

  function open(): void {
    if (disposed) return;
    const current = createSocket(options.url);
    socket = current;
    current.onopen = () => {
      delay = minDelay;
      setState('connected');
    };
    current.onmessage = (event) => onMessage(event.data);
    current.onerror = () => {
      /* onclose follows and handles it */
    };
    current.onclose = () => {
      if (socket !== current) return;
      socket = null;
      failPending();
      setState('disconnected');
      scheduleReconnect();
    };
  }

  open();

  return {
    get state() {
      return state;
    },
    invoke(method: MethodName, payload: unknown): Promise<unknown> {
      if (!socket || socket.readyState !== OPEN) return Promise.reject(new CoreDisconnectedError());
      const id = nextId++;
      const request: BridgeRequest = payload === undefined ? { id, method } : { id, method, payload };
      const live = socket;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        live.send(JSON.stringify(request));
      });
    },
    subscribe(event: EventName, listener: (payload: unknown) => void): Unsubscribe {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimer(timer);
      const current = socket;
      socket = null;
      current?.close();
      failPending();
    },
  };
}
