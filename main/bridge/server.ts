import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';
import { eventNames } from '../../shared/api/contract.js';
import type { InspectorService, Unsubscribe } from '../../shared/api/contract.js';
import { dispatch } from '../../shared/api/dispatch.js';
import type { BridgePush, BridgeReply } from '../../shared/api/transport.js';
import { createOriginPolicy, createToken, tokenMatches } from './auth.js';
import { securityHeaders, serveStatic } from './static-files.js';

export interface BridgeOptions {
  service: InspectorService;
  /** Interface to bind. Loopback unless the caller explicitly asks for another one. */
  host?: string;
  port?: number;
  /** The renderer build (index.html + assets). */
  staticDir: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface Bridge {
  /** Page URL including the token, e.g. http://127.0.0.1:PORT/?token=... */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const API_PATH = '/api';
/**
 * A client this far behind is cut off; it reconnects and takes a fresh snapshot instead of silently missing events.
 * Generous, because catching up from a snapshot costs far more than reading on: a page following a 50,000-message/s
 * flood can trail by 100 MiB for a while, and at 64 MiB it was cut off and showed nothing new for 20 s.
 */
const MAX_CLIENT_BACKLOG = 512 * 1024 * 1024;
const MAX_REQUEST_BYTES = 1024 * 1024 * 1024 + 1024 * 1024;

function refuse(socket: Duplex, status: 400 | 403 | 404, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function parseRequest(raw: string): { id: number; method: unknown; payload: unknown } | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { id, method, payload } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) return null;
  return { id, method, payload };
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const { service, host = '127.0.0.1', port = 0, staticDir } = options;
  const token = options.token ?? createToken();
  const headers = securityHeaders(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const clients = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_REQUEST_BYTES });
  // Replaced once the port is known; nothing is served before listen() resolves.
  let policy = createOriginPolicy(host, port);

  const server = createServer((req, res) => {
    if (!policy.hostAllowed(req.headers.host)) {
      res.writeHead(403, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Forbidden');
      return;
    }
    void serveStatic(staticDir, req, res, headers);
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://bridge.invalid');
    if (url.pathname !== API_PATH) return refuse(socket, 404, 'Not Found');
    const authorised =
      tokenMatches(token, url.searchParams.get('token')) &&
      policy.originAllowed(req.headers.origin, req.headers.host);
    if (!authorised) return refuse(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', (data, isBinary) => {
      const request = isBinary ? null : parseRequest(rawToText(data));
      if (!request) {
        ws.close(1008, 'expected a JSON BridgeRequest');
        return;
      }
      void answer(ws, request);
    });
  }

  async function answer(
    ws: WebSocket,
    request: { id: number; method: unknown; payload: unknown },
  ): Promise<void> {
    let reply: BridgeReply;
    try {
      const result = await dispatch(service, request.method, request.payload);
      reply = { id: request.id, ok: true, result: result ?? null };
    } catch (error) {
      reply = { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  function broadcast(push: BridgePush): void {
    const text = JSON.stringify(push);
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (ws.bufferedAmount > MAX_CLIENT_BACKLOG) {
        ws.terminate();
        continue;
      }
      ws.send(text);
    }
  }

  const unsubscribes: Unsubscribe[] = eventNames.map((event) =>
    service.on(event, (payload) => broadcast({ event, payload })),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  policy = createOriginPolicy(host, bound);
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${bound}/?token=${encodeURIComponent(token)}`,
    port: bound,
    token,
    close: async () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const ws of clients) ws.terminate();
      clients.clear();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
