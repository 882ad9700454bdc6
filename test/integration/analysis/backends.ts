/** Misbehaving servers on 127.0.0.1, written at the byte level so they can break the rules real servers break. */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';

export interface Backend {
  port: number;
  url: string;
  /** Request heads received, in order. */
  heads: string[];
  close(): Promise<void>;
}

export interface Upgrade {
  head: string;
  requestLine: string;
  key: string;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const acceptFor = (key: string): string =>
  createHash('sha1')
    .update(key + GUID)
    .digest('base64');

export const switching = (key: string, extra: string[] = []): string =>
  [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptFor(key)}`,
    ...extra,
    '',
    '',
  ].join('\r\n');

/** A server frame (unmasked unless `mask`), payload < 126 bytes. */
export function serverFrame(opcode: number, payload: Buffer = Buffer.alloc(0), mask = false): Buffer {
  const head = Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | payload.length]);
  if (!mask) return Buffer.concat([head, payload]);
  const key = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ (key[i % 4] ?? 0)));
  return Buffer.concat([head, key, masked]);
}

export const closeBody = (code: number, reason = ''): Buffer => {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return body;
};

/** Reads the request head, then hands the socket to `behave`. */
export async function rawBackend(behave: (socket: Socket, upgrade: Upgrade) => void): Promise<Backend> {
  const sockets = new Set<Socket>();
  const heads: string[] = [];
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const head = buffered.subarray(0, end + 4).toString('latin1');
      heads.push(head);
      const key = /^sec-websocket-key:\s*(.+?)\s*$/im.exec(head)?.[1] ?? '';
      behave(socket, { head, requestLine: head.split('\r\n')[0] ?? '', key });
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Like servers that decide keep-alive from the HTTP version (Swoole): answers 101, and for an HTTP/1.0 request closes
 * the connection right after writing it. Over HTTP/1.1 it stays open and silent.
 */
export const versionSensitiveBackend = (): Promise<Backend> =>
  rawBackend((socket, upgrade) => {
    if (!upgrade.key) {
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    socket.write(switching(upgrade.key));
    if (upgrade.requestLine.endsWith('HTTP/1.0')) socket.end();
    socket.on('data', () => undefined);
  });

/** Accepts TCP, reads the request, never answers. */
export const silentBackend = (): Promise<Backend> =>
  rawBackend((socket) => socket.on('data', () => undefined));

/** A standard `ws` server (its HTTP handler answers 426 to a request without the upgrade headers). */
export async function wsEchoBackend(): Promise<Backend> {
  const heads: string[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  wss.on('headers', (_headers, request) => heads.push(`${request.method ?? ''} ${request.url ?? ''}`));
  const { port } = wss.address() as AddressInfo;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    heads,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
}
