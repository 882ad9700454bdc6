import { describe, expect, it } from 'vitest';
import type { SocketLike } from '../../../renderer/src/api/bridge-transport.js';
import { createBridgeTransport } from '../../../renderer/src/api/bridge-transport.js';
import { preloadTransport } from '../../../renderer/src/api/connect-to-core.js';
import type { InspectorApi } from '../../../shared/api/contract.js';
import { createApi } from '../../../shared/api/transport.js';

/** A socket the test opens, closes and talks through by hand. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const transport = createBridgeTransport({
    url: 'ws://127.0.0.1:1/api?token=t',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
  });
  return { transport, sockets, timers, current: () => sockets[sockets.length - 1]! };
}

describe('bridge transport', () => {
  it('numbers requests and resolves or rejects them by reply id', async () => {
    const { transport, current } = setup();
    current().open();
    const a = transport.invoke('getInfo', undefined);
    const b = transport.invoke('connect', { url: 'ws://x/' });
    expect(current().sent).toEqual([
      { id: 1, method: 'getInfo' },
      { id: 2, method: 'connect', payload: { url: 'ws://x/' } },
    ]);
    current().receive({ id: 2, ok: false, error: 'invalid payload' });
    current().receive({ id: 1, ok: true, result: { shell: 'browser' } });
    await expect(a).resolves.toEqual({ shell: 'browser' });
    await expect(b).rejects.toThrow('invalid payload');
  });

  it('delivers pushes to subscribers of that event only, and stops after unsubscribe', () => {
    const { transport, current } = setup();
    current().open();
    const got: unknown[] = [];
    const off = transport.subscribe('capture', (p) => got.push(p));
    transport.subscribe('proxies', () => got.push('wrong'));
    current().receive({ event: 'capture', payload: { events: [] } });
    current().receive({ event: 'nonsense', payload: 1 });
    off();
    current().receive({ event: 'capture', payload: { events: [1] } });
    expect(got).toEqual([{ events: [] }]);
  });

  it('rejects pending requests on disconnect and reconnects with doubling, capped backoff', async () => {
    const { transport, sockets, timers, current } = setup();
    const states: string[] = [];
    transport.onState((s) => states.push(s));
    current().open();
    const pending = transport.invoke('snapshot', undefined);
    current().drop();
    await expect(pending).rejects.toThrow('disconnected from core');
    await expect(transport.invoke('snapshot', undefined)).rejects.toThrow('disconnected from core');
    for (let i = 0; i < 6; i++) {
      timers.shift()!.fn();
      current().drop();
    }
    expect(sockets).toHaveLength(7);
    timers.shift()!.fn();
    current().open();
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    expect(transport.state).toBe('connected');
  });

  it('uses 250 ms, 500 ms, ... up to 5 s between attempts and resets after a success', () => {
    const { timers, current } = setup();
    const delays: number[] = [];
    current().drop();
    for (let i = 0; i < 7; i++) {
      const timer = timers.shift()!;
      delays.push(timer.ms);
      timer.fn();
      current().drop();
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    timers.shift()!.fn();
    current().open();
    current().drop();
    expect(timers[0]!.ms).toBe(250);
  });

  it('stops reconnecting once disposed', () => {
    const { transport, timers, current } = setup();
    current().open();
    transport.dispose();
    expect(timers).toHaveLength(0);
  });
});

describe('preload transport', () => {
  it('calls the preload functions through createApi and reports missing ones as rejections', async () => {
    const calls: unknown[] = [];
    const preload = {
      connect: (payload: unknown) => (calls.push(payload), Promise.resolve({ conn: 'c1' })),
      on: (_event: string, listener: (p: unknown) => void) => (listener('hello'), () => undefined),
    } as unknown as InspectorApi;
    const api = createApi(preloadTransport(preload));
    expect(await api.connect({ url: 'ws://x/' })).toEqual({ conn: 'c1' });
    expect(calls).toEqual([{ url: 'ws://x/' }]);
    await expect(api.snapshot()).rejects.toThrow('the Electron preload has no snapshot()');
    const seen: unknown[] = [];
    api.on('capture', (p) => seen.push(p));
    expect(seen).toEqual(['hello']);
  });
});
