import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EventName, InspectorService } from '../../../shared/api/contract.js';
import { createApi } from '../../../shared/api/transport.js';
import type { Bridge } from '../../../main/bridge/server.js';
import { startBridge } from '../../../main/bridge/server.js';
import type { SocketLike } from '../../../renderer/src/api/bridge-transport.js';
import { bridgeUrlFromPage, createBridgeTransport } from '../../../renderer/src/api/bridge-transport.js';

const HEADER = { format: 'wsi-session', version: 1, startedAt: 0, producer: 'test' } as const;

/** A tiny stand-in for the core: records calls, lets the test push events. */
function fakeService() {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: { method: string; request: unknown }[] = [];
  const service = {
    getInfo: () => Promise.resolve({ shell: 'browser', version: 't', session: HEADER }),
    connect: (r: unknown) => (calls.push({ method: 'connect', request: r }), Promise.resolve({ conn: 'c1' })),
    send: () => Promise.reject(new Error('no such connection: c404')),
    ping: () => Promise.resolve(),
    close: () => Promise.resolve(),
    snapshot: () => Promise.resolve({ header: HEADER, events: [], problems: [] }),
    openSession: () => Promise.resolve({ header: HEADER, events: [], problems: [] }),
    startProxy: () => Promise.reject(new Error('unused')),
    stopProxy: () => Promise.resolve(),
    listProxies: () => Promise.resolve([]),
    on: (event: EventName, listener: (p: unknown) => void) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as InspectorService;
  const emit = (event: EventName, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  return { service, calls, emit, listenerCount: (e: string) => listeners.get(e)?.size ?? 0 };
}

function get(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(url, { headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** Try to open the API socket; resolves with the HTTP status of a refusal, or 101 and the open socket. */
function openApi(url: string, origin?: string) {
  return new Promise<{ status: number; ws?: WebSocket }>((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ status: -1 }));
  });
}

function nextMessage(ws: WebSocket): Promise<unknown> {
  return new Promise((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
}

describe('browser bridge', () => {
  let dir: string;
  let bridge: Bridge;
  let fake: ReturnType<typeof fakeService>;
  let origin: string;
  let apiUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'wsi-bridge-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(path.join(dir, 'assets', 'app.js'), 'export {};');
    await writeFile(path.join(tmpdir(), 'wsi-secret.txt'), 'secret');
    fake = fakeService();
    bridge = await startBridge({ service: fake.service, staticDir: dir });
    origin = new URL(bridge.url).origin;
    apiUrl = bridgeUrlFromPage(bridge.url);
  });

  afterAll(async () => {
    await bridge.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 with a token in the URL', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('serves the renderer with MIME types, a strict CSP and nosniff', async () => {
    const index = await get(bridge.url);
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:*");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const script = await get(`${origin}/assets/app.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('never serves files outside the build directory', async () => {
    expect((await get(`${origin}/..%2fwsi-secret.txt`)).status).toBe(400);
    expect((await get(`${origin}/assets/../../wsi-secret.txt`)).body).not.toBe('secret');
    expect((await get(`${origin}/nope.js`)).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get(bridge.url, { Host: 'evil.example:80' })).status).toBe(403);
  });

  it('refuses the API without the token, with a wrong token, or from another origin (403)', async () => {
    const base = apiUrl.replace(/\?.*$/, '');
    expect((await openApi(base, origin)).status).toBe(403);
    expect((await openApi(`${base}?token=wrong`, origin)).status).toBe(403);
    expect((await openApi(apiUrl, 'http://evil.example')).status).toBe(403);
    expect((await openApi(apiUrl)).status).toBe(403);
    expect((await openApi(apiUrl.replace('/api', '/other'), origin)).status).toBe(404);
  });

  it('dispatches requests and answers validation errors as ok:false with the message', async () => {
    const { ws } = await openApi(apiUrl, origin);
    if (!ws) throw new Error('not opened');
    ws.send(JSON.stringify({ id: 1, method: 'connect', payload: { url: 'ws://x/' } }));
    expect(await nextMessage(ws)).toEqual({ id: 1, ok: true, result: { conn: 'c1' } });
    ws.send(JSON.stringify({ id: 2, method: 'connect', payload: { url: 'ws://x/', evil: true } }));
    expect(await nextMessage(ws)).toEqual({
      id: 2,
      ok: false,
      error: 'invalid payload at payload.evil: expected no such field',
    });
    ws.send(JSON.stringify({ id: 3, method: 'rmrf' }));
    const unknownMethod = (await nextMessage(ws)) as { id: number; ok: boolean; error: string };
    expect(unknownMethod).toMatchObject({ id: 3, ok: false });
    expect(unknownMethod.error).toContain('method');
    ws.send(JSON.stringify({ id: 4, method: 'send', payload: { conn: 'c404', kind: 'text', data: '' } }));
    expect(await nextMessage(ws)).toEqual({ id: 4, ok: false, error: 'no such connection: c404' });
    expect(fake.calls).toHaveLength(1);
    ws.close();
  });

  it('closes a client that sends something other than a BridgeRequest', async () => {
    const { ws } = await openApi(apiUrl, origin);
    if (!ws) throw new Error('not opened');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.send('not json');
    expect(await closed).toBe(1008);
  });

  it('pushes every contract event to every authenticated client', async () => {
    expect(fake.listenerCount('capture')).toBe(1);
    expect(fake.listenerCount('proxies')).toBe(1);
    const a = (await openApi(apiUrl, origin)).ws!;
    const b = (await openApi(apiUrl, origin)).ws!;
    const got = Promise.all([nextMessage(a), nextMessage(b)]);
    fake.emit('capture', { events: [] });
    expect(await got).toEqual([
      { event: 'capture', payload: { events: [] } },
      { event: 'capture', payload: { events: [] } },
    ]);
    a.close();
    b.close();
  });

  it("works end to end through the renderer's bridge transport and createApi", async () => {
    const transport = createBridgeTransport({
      url: apiUrl,
      createSocket: (url) => new WebSocket(url, { origin }) as unknown as SocketLike,
    });
    await new Promise<void>((resolve) => transport.onState((s) => s === 'connected' && resolve()));
    const api = createApi(transport);
    expect(await api.connect({ url: 'ws://y/' })).toEqual({ conn: 'c1' });
    await expect(api.send({ conn: 'c404', kind: 'text', data: '' })).rejects.toThrow('no such connection');
    const pushed = new Promise((resolve) => api.on('proxies', resolve));
    fake.emit('proxies', []);
    expect(await pushed).toEqual([]);
    transport.dispose();
  });

  it('reports the link as disconnected and reconnects when the bridge comes back', async () => {
    const local = fakeService();
    const first = await startBridge({ service: local.service, staticDir: dir, token: 't0ken' });
    const url = bridgeUrlFromPage(first.url);
    const pageOrigin = new URL(first.url).origin;
    const states: string[] = [];
    const transport = createBridgeTransport({
      url,
      minDelayMs: 20,
      maxDelayMs: 40,
      createSocket: (u) => new WebSocket(u, { origin: pageOrigin }) as unknown as SocketLike,
    });
    transport.onState((s) => states.push(s));
    await new Promise<void>((resolve) => transport.onState((s) => s === 'connected' && resolve()));
    await first.close();
    await new Promise<void>((resolve) => transport.onState((s) => s === 'disconnected' && resolve()));
    await expect(transport.invoke('getInfo', undefined)).rejects.toThrow('disconnected from core');
    const second = await startBridge({
      service: local.service,
      staticDir: dir,
      token: 't0ken',
      port: first.port,
    });
    await new Promise<void>((resolve) => transport.onState((s) => s === 'connected' && resolve()));
    expect(states).toEqual(['connected', 'disconnected', 'connected']);
    transport.dispose();
    await second.close();
  });
});
