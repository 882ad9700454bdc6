import type { AddressInfo } from 'node:net';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

export interface RunningWsServer {
  url: string;
  port: number;
  wss: WebSocketServer;
  /** Server-side sockets, in connection order. */
  clients: WebSocket[];
  /** Upgrade requests as the server saw them. */
  requests: IncomingMessage[];
  close(): Promise<void>;
}

type OnConnection = (socket: WebSocket, request: IncomingMessage) => void;

/** A `ws` server on 127.0.0.1, port 0. `onConnection` decides its behaviour. */
export async function startWsServer(
  onConnection: OnConnection = () => undefined,
  options: Omit<ServerOptions, 'port' | 'host' | 'server' | 'noServer'> = {},
  tls?: { certPem: string; keyPem: string },
): Promise<RunningWsServer> {
  const http: Server = tls ? createTlsServer({ cert: tls.certPem, key: tls.keyPem }) : createServer();
  const wss = new WebSocketServer({ ...options, server: http });
  const clients: WebSocket[] = [];
  const requests: IncomingMessage[] = [];
  wss.on('connection', (socket, request) => {
    clients.push(socket);
    requests.push(request);
    socket.on('error', () => undefined);
    onConnection(socket, request);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    port,
    wss,
    clients,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => http.close(() => resolve()));
        http.closeAllConnections();
      }),
  };
}

/** Echoes every message back (text as text, binary as binary). */
export const startEchoServer = (options: Omit<ServerOptions, 'port' | 'host' | 'server' | 'noServer'> = {}) =>
  startWsServer((socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  }, options);

/** Closes every connection from the server side with this code and reason after `delayMs`. */
export const startClosingServer = (code: number, reason: string, delayMs = 20) =>
  startWsServer((socket) => {
    setTimeout(() => socket.close(code, reason), delayMs);
  });

/** Rejects every upgrade with `status` and a body (via verifyClient). */
export const startRejectingServer = (status: number, body: string) =>
  startWsServer(() => undefined, {
    verifyClient: (_info, callback) => callback(false, status, body, { 'Content-Type': 'text/plain' }),
  });
