import { createServer, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export interface TestWsServer {
  url: string;
  close(): Promise<void>;
}

async function startServer(
  onConnection: (socket: WebSocket) => void,
  path = '/echo',
  tls?: { certPem: string; keyPem: string },
): Promise<TestWsServer> {
  const refuse = (_req: unknown, res: ServerResponse): void => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('WebSocket only');
  };
  const http = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, refuse) : createServer(refuse);
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (socket) => {
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `${tls ? 'wss' : 'ws'}://127.0.0.1:${port}${path}`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

const echo = (socket: WebSocket): void => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
};

/** Echoes every message back with the same type. */
export const startEchoServer = (): Promise<TestWsServer> => startServer(echo);

/** The echo server over TLS (wss://), with `certificate` (e.g. a self-signed one). */
export const startTlsEchoServer = (certificate: { certPem: string; keyPem: string }): Promise<TestWsServer> =>
  startServer(echo, '/echo', certificate);

/** Closes with `code` and `reason` as soon as the first message arrives. */
export const startClosingServer = (code: number, reason: string): Promise<TestWsServer> =>
  startServer((socket) => socket.on('message', () => socket.close(code, reason)));

const frameBytes = (first: number, payload: Buffer): Buffer =>
  Buffer.concat([Buffer.from([first, payload.length]), payload]);

/**
 * A hand-written server (no WebSocket library) that answers the handshake, then sends a text message in two
 * fragments, a ping, and a binary frame with RSV1 set although no extension was negotiated (a protocol violation
 * the client answers with a 1002 close).
 */
export async function startMisbehavingServer(): Promise<TestWsServer> {
  const { createServer: createTcpServer } = await import('node:net');
  const { createHash } = await import('node:crypto');
  const server = createTcpServer((socket) => {
    let head = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      if (head.endsWith('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.endsWith('\r\n\r\n')) return;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      socket.write(frameBytes(0x01, Buffer.from('{"part":')));
      socket.write(frameBytes(0x80, Buffer.from('"fragmented"}')));
      socket.write(frameBytes(0x89, Buffer.from('are you there?')));
      setTimeout(() => socket.write(frameBytes(0xc2, Buffer.from([0xde, 0xad, 0xbe, 0xef]))), 150);
      setTimeout(() => socket.end(), 600);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/feed`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An HTTP server that refuses every upgrade with `status` and a small body. */
export async function startRefusingServer(status: number, body: string): Promise<TestWsServer> {
  const http = createServer();
  http.on('upgrade', (_req, socket) => {
    socket.end(
      `HTTP/1.1 ${status} Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nX-Reason: test\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/private`,
    close: async () => {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Answers the first message with `count` numbered messages as fast as it can. */
export const startFloodServer = (count: number): Promise<TestWsServer> =>
  startServer((socket) =>
    socket.once('message', () => {
      for (let i = 1; i <= count; i++) socket.send(JSON.stringify({ n: i, payload: 'x'.repeat(40) }));
    }),
  );

/** Sends `messages` as soon as a client connects; `path` is the URL path tests connect to. */
export const startPushServer = (path: string, messages: readonly string[]): Promise<TestWsServer> =>
  startServer((socket) => {
    for (const message of messages) socket.send(message);
  }, path);

/** Accepts the upgrade, then drops TCP without a close frame after `afterMs` (an abnormal end, 1006). */
export const startDroppingServer = (afterMs: number): Promise<TestWsServer> =>
  startServer((socket) => {
    setTimeout(() => socket.terminate(), afterMs);
  });
