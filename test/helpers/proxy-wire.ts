/**
 * Byte-exact observation of both ends of a proxied WebSocket: what the client wrote and read on its socket, what the
 * server read and wrote on its socket. Tests compare checksums of these streams across the proxy.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import forge from 'node-forge';
import { WebSocketServer } from 'ws';
import type { ServerOptions, WebSocket } from 'ws';

export class ByteLog {
  readonly chunks: Buffer[] = [];
  size = 0;
  add(chunk: Buffer | Uint8Array | string): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk);
    this.chunks.push(buf);
    this.size += buf.length;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
  /** Everything after the HTTP head (the frame stream). */
  afterHead(): Buffer {
    const all = this.bytes();
    const end = all.indexOf('\r\n\r\n');
    return end === -1 ? Buffer.alloc(0) : all.subarray(end + 4);
  }
  head(): string {
    const all = this.bytes();
    const end = all.indexOf('\r\n\r\n');
    return end === -1 ? '' : all.subarray(0, end + 4).toString('latin1');
  }
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Records every byte a socket reads and writes (write is wrapped, so nothing the library sends is missed). */
export function tapSocket<T extends Duplex>(socket: T): { socket: T; incoming: ByteLog; outgoing: ByteLog } {
  const incoming = new ByteLog();
  const outgoing = new ByteLog();
  socket.on('data', (chunk: Buffer) => incoming.add(chunk));
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  (socket as unknown as { write: (...args: unknown[]) => boolean }).write = (...args: unknown[]) => {
    const [chunk, encoding] = args;
    if (typeof chunk === 'string') outgoing.add(Buffer.from(chunk, (encoding as BufferEncoding) ?? 'utf8'));
    else if (chunk instanceof Uint8Array) outgoing.add(chunk);
    return write(...args);
  };
  return { socket, incoming, outgoing };
}

export interface ServerSide {
  /** The request head exactly as the server received it. */
  head: string;
  incoming: ByteLog;
  outgoing: ByteLog;
  ws: WebSocket;
  socket: Duplex;
}

export interface TappedWsServer {
  url: string;
  port: number;
  connections: ServerSide[];
  wss: WebSocketServer;
  /** Resolves with the next connection's server side. */
  nextConnection(): Promise<ServerSide>;
  close(): Promise<void>;
}

/** A `ws` server (TLS when `cert` is given) whose sockets are tapped from the first byte after the request head. */
export async function startTappedWsServer(
  onConnection: (ws: WebSocket, side: ServerSide) => void = () => undefined,
  options: { cert?: SelfSigned; ws?: Omit<ServerOptions, 'noServer' | 'server' | 'port'> } = {},
): Promise<TappedWsServer> {
  const server = options.cert
    ? https.createServer({ cert: options.cert.certPem, key: options.cert.keyPem })
    : http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, ...options.ws });
  const connections: ServerSide[] = [];
  const waiting: ((side: ServerSide) => void)[] = [];
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    // ws unshifts `head` back into the socket, so the tap sees those bytes as the first data.
    const tapped = tapSocket(socket);
    const rawHead = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${rawHeaders(req.rawHeaders)}\r\n`;
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      const side: ServerSide = {
        head: rawHead,
        incoming: tapped.incoming,
        outgoing: tapped.outgoing,
        ws,
        socket,
      };
      connections.push(side);
      waiting.shift()?.(side);
      onConnection(ws, side);
    });
  });
  server.on('request', (_req, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('plain http ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${options.cert ? 'wss' : 'ws'}://127.0.0.1:${port}`,
    port,
    connections,
    wss,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function rawHeaders(raw: string[]): string {
  let out = '';
  for (let i = 0; i + 1 < raw.length; i += 2) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return out;
}

export interface SelfSigned {
  certPem: string;
  keyPem: string;
}

/** A self-signed certificate for 127.0.0.1 and localhost. */
export function selfSignedCert(): SelfSigned {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomBytes(8)
    .toString('hex')
    .replace(/^[89a-f]/, '1');
  cert.validity.notBefore = new Date(Date.now() - 86_400_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: 'localhost' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };
}

/** A TCP connection to host:port whose bytes are tapped; optionally TLS. */
export function tappedConnection(
  port: number,
  options: { tls?: boolean; ca?: string; servername?: string; host?: string } = {},
): { socket: net.Socket; incoming: ByteLog; outgoing: ByteLog } {
  const host = options.host ?? '127.0.0.1';
  const socket = options.tls
    ? tls.connect({
        host,
        port,
        ...(options.ca ? { ca: options.ca } : { rejectUnauthorized: false }),
        ...(options.servername ? { servername: options.servername } : {}),
      })
    : net.connect({ host, port });
  socket.on('error', () => undefined);
  return tapSocket(socket);
}

export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const acceptFor = (key: string): string =>
  createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');

/** A raw upgrade request head (client side), with a random key. */
export function upgradeRequest(
  path: string,
  host: string,
  extra: string[] = [],
): { head: string; key: string } {
  const key = randomBytes(16).toString('base64');
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    'Sec-WebSocket-Version: 13',
    ...extra,
  ];
  return { head: lines.join('\r\n') + '\r\n\r\n', key };
}

/** Reads from a socket until `predicate` holds for everything read so far. */
export function readUntil(
  log: ByteLog,
  socket: Duplex,
  predicate: (all: Buffer) => boolean,
  timeoutMs = 5000,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const all = log.bytes();
      if (predicate(all)) {
        cleanup();
        resolve(all);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(`timed out; got ${log.size} bytes: ${log.bytes().subarray(0, 200).toString('latin1')}`),
      );
    }, timeoutMs);
    const onClose = (): void => {
      check();
      cleanup();
      reject(new Error(`closed; got ${log.size} bytes: ${log.bytes().subarray(0, 200).toString('latin1')}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', check);
      socket.off('close', onClose);
    };
    socket.on('data', check);
    socket.on('close', onClose);
    check();
  });
}

export interface RawServer {
  port: number;
  /** One entry per accepted connection: bytes read and written on the server's socket. */
  sides: { socket: net.Socket; incoming: ByteLog; outgoing: ByteLog }[];
  nextConnection(): Promise<{ socket: net.Socket; incoming: ByteLog; outgoing: ByteLog }>;
  close(): Promise<void>;
}

/**
 * A server on raw TCP that answers an upgrade with a correct 101 (or whatever `respond` returns) and then leaves
 * the socket to the test: for invalid frames, resets, and servers that never answer.
 */
export async function startRawServer(
  respond: (head: string) => string | undefined = (head) => {
    const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
    return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n\r\n`;
  },
): Promise<RawServer> {
  const sides: RawServer['sides'] = [];
  const waiting: ((side: RawServer['sides'][number]) => void)[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const side = tapSocket(socket);
    sides.push(side);
    waiting.shift()?.(side);
    let answered = false;
    socket.on('data', () => {
      if (answered) return;
      const all = side.incoming.bytes();
      const end = all.indexOf('\r\n\r\n');
      if (end === -1) return;
      answered = true;
      const response = respond(all.subarray(0, end + 4).toString('latin1'));
      if (response !== undefined) socket.write(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sides,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
