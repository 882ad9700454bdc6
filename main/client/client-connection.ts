import net from 'node:net';
import tls from 'node:tls';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { ConnectHeartbeat } from '../../shared/api/contract.js';
import type { HttpHeader } from '../../shared/model/handshake.js';
import type { ClientRecorder } from './client-recorder.js';
import { tlsSummary } from '../capture/tls-summary.js';
import { Heartbeat, PongWait } from './heartbeat.js';
import { rewriteRequestHead } from './request-head.js';
import { tapSocket } from './socket-tap.js';

export interface ClientConnectionOptions {
  url: string;
  headers?: HttpHeader[];
  protocols?: string[];
  insecure?: boolean;
  /** Send a protocol ping this often while open (shorthand for a ping heartbeat). */
  pingIntervalMs?: number;
  /** Send a protocol ping or a text message at an interval while open. */
  heartbeat?: ConnectHeartbeat;
  /** A ping of ours unanswered this long: drop the connection ('close', default) or only record it ('report'). */
  pongTimeoutMs?: number;
  pongTimeoutAction?: 'close' | 'report';
  /** false: leave the server's pings unanswered. Default true (ws answers them). */
  autoPong?: boolean;
  handshakeTimeoutMs?: number;
  recorder: ClientRecorder;
  /** Called once, when the upgrade completed. */
  onOpen?: () => void;
  /** Called once, after the connection's `end` record. */
  onEnd?: () => void;
}

type ConnectOptions = net.NetConnectOpts & tls.ConnectionOptions & { socketPath?: string; host?: string };

/** How long to read a non-101 response's body before giving up on it. */
const UNEXPECTED_RESPONSE_GRACE_MS = 2_000;
/** Body bytes of a non-101 response read at most (what the recorder keeps); the rest is not waited for. */
const UNEXPECTED_RESPONSE_MAX_BODY = 64 * 1024;
/** After our FIN, how long the server gets to close its side before the socket is destroyed. */
const SOCKET_END_GRACE_MS = 1_000;

/** Thrown for bad requests to a connection (not open, bad close code); the message is meant for the user. */
export class ConnectionStateError extends Error {
  override name = 'ConnectionStateError';
}

const stateNames = ['connecting', 'open', 'closing', 'closed'] as const;

export function headersToObject(headers: HttpHeader[] = []): Record<string, string | string[]> {
  const result: Record<string, string[]> = {};
  for (const { name, value } of headers) (result[name] ??= []).push(value);
  return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, v.length === 1 ? (v[0] ?? '') : v]));
}

/**
 * A client WebSocket made with `ws`, observed on the real socket: every byte in both directions goes to the recorder,
 * so the session shows what was on the wire. TCP and library facts (FIN, RST, errors) are recorded beside the bytes.
 * Nothing the network sends can throw out of here.
 */
export class ClientConnection {
  private readonly recorder: ClientRecorder;
  private readonly ws: WebSocket;
  private socket: net.Socket | undefined;
  private readonly heartbeats: Heartbeat[] = [];
  private readonly pongWait: PongWait | undefined;
  private readonly recordedErrors = new WeakSet<object>();
  private connected = false;
  private weSentFin = false;
  private weReset = false;
  private peerReset = false;
  private ended = false;

  constructor(private readonly options: ClientConnectionOptions) {
    this.recorder = options.recorder;
    const url = new URL(options.url);
    this.ws = new WebSocket(url, options.protocols ?? [], {
      // node:http writes an array value as repeated header lines.
      headers: headersToObject(options.headers) as Record<string, string>,
      rejectUnauthorized: !options.insecure,
      handshakeTimeout: options.handshakeTimeoutMs ?? 30_000,
      perMessageDeflate: true,
      autoPong: options.autoPong ?? true,
      followRedirects: false,
      createConnection: ((connectOptions: ConnectOptions) =>
        this.openSocket(url.protocol === 'wss:', connectOptions)) as unknown as typeof net.createConnection,
    });
    this.ws.on('error', (error) => this.recordError(error, 'ws'));
    this.ws.on('unexpected-response', (req, res) => this.onUnexpectedResponse(req, res));
    this.ws.on('open', () => {
      this.startHeartbeats();
      options.onOpen?.();
    });
    this.ws.on('close', () => this.stopHeartbeats());
    if (options.pongTimeoutMs !== undefined) {
      const action = options.pongTimeoutAction ?? 'close';
      this.pongWait = new PongWait(options.pongTimeoutMs, (waitedMs) => this.pongTimedOut(waitedMs, action));
      this.ws.on('pong', () => this.pongWait?.answered());
    }
  }

  /**
   * Like ws's heartbeat example and OkHttp, a peer that leaves pings unanswered is taken for gone: the connection is
   * dropped without a close frame (a closing handshake would only wait for another timeout).
   */
  private pongTimedOut(waitedMs: number, action: 'close' | 'report'): void {
    const waited = `no pong ${(waitedMs / 1000).toFixed(1)} s after our ping (pong timeout ${((this.options.pongTimeoutMs ?? 0) / 1000).toFixed(1)} s)`;
    if (action === 'report') {
      this.recorder.action('pong-timeout', `${waited}; reported only`);
      return;
    }
    this.recorder.action('pong-timeout', `${waited}; dropping the connection without a close frame`);
    this.stopHeartbeats();
    this.ws.terminate();
  }

  private sendPing(payload: string): void {
    this.ws.ping(payload);
    this.pongWait?.pingSent();
  }

  get state(): (typeof stateNames)[number] {
    if (this.ended) return 'closed';
    return stateNames[this.ws.readyState] ?? 'closed';
  }

  get isEnded(): boolean {
    return this.ended;
  }

  send(kind: 'text' | 'binary', data: string | Buffer): void {
    this.requireOpen('send');
    const payload =
      kind === 'text' ? String(data) : Buffer.isBuffer(data) ? data : Buffer.from(data, 'base64');
    this.recorder.action('send', `${kind}, ${Buffer.byteLength(payload)} bytes`);
    this.ws.send(payload, { binary: kind === 'binary' });
  }

  ping(data?: string): void {
    this.requireOpen('ping');
    this.recorder.action('ping', data ? `payload ${JSON.stringify(data)}` : undefined);
    this.sendPing(data ?? '');
  }

  /** Start the closing handshake (or abandon the opening one). */
  close(code = 1000, reason = ''): void {
    if (this.ended || this.state === 'closed') return;
    if (this.state === 'closing') return;
    this.recorder.action('close', reason ? `${code} ${reason}` : String(code));
    try {
      this.ws.close(code, reason);
    } catch (error) {
      throw new ConnectionStateError(error instanceof Error ? error.message : String(error));
    }
  }

  /** Drop the connection at once with a TCP reset (no close frame). */
  abort(): void {
    if (this.ended) return;
    this.recorder.action('abort', 'TCP reset');
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      this.weReset = true;
      this.recorder.tcp('rst', 'client');
      socket.resetAndDestroy();
    } else {
      this.ws.terminate();
    }
  }

  private requireOpen(what: string): void {
    if (this.state !== 'open') {
      throw new ConnectionStateError(`cannot ${what}: the connection is ${this.state}, not open`);
    }
  }

  private openSocket(secure: boolean, connectOptions: ConnectOptions): net.Socket {
    const socket = secure
      ? tls.connect({
          ...connectOptions,
          path: undefined,
          servername:
            connectOptions.servername ??
            (connectOptions.host && net.isIP(connectOptions.host) ? '' : connectOptions.host),
        } as tls.ConnectionOptions)
      : net.connect({ ...connectOptions, path: connectOptions.socketPath } as net.NetConnectOpts);
    this.socket = socket;
    this.watch(socket, secure, connectOptions.servername || connectOptions.host || '');
    return socket;
  }

  /** `host` is the name the server's certificate must carry (for the TLS summary). */
  private watch(socket: net.Socket, secure: boolean, host: string): void {
    const recorder = this.recorder;
    // Bytes written before the transport is up wait in Node's buffer; they reach the wire (and the record) only then.
    let unsent: Buffer[] | undefined = [];
    const transportReady = (): void => {
      const held = unsent ?? [];
      unsent = undefined;
      for (const chunk of held) recorder.onBytes('c2s', chunk);
    };
    tapSocket(socket, {
      incoming: (chunk) => recorder.onBytes('s2c', chunk),
      outgoing: (chunk) => (unsent ? unsent.push(chunk) : recorder.onBytes('c2s', chunk)),
    });
    rewriteRequestHead(socket, this.options.headers ?? []);
    socket.on('lookup', () => recorder.mark('dnsMs'));
    socket.on('connect', () => {
      this.connected = true;
      recorder.mark('tcpConnectMs');
      recorder.tcp('connect', 'server');
      if (!secure) transportReady();
    });
    if (secure) {
      socket.on('secureConnect', () => {
        recorder.mark('tlsMs');
        recorder.tlsEstablished(tlsSummary(socket as tls.TLSSocket, host));
        transportReady();
      });
    }
    socket.on('end', () => recorder.tcp('fin', 'server'));
    socket.on('finish', () => {
      this.weSentFin = true;
      recorder.tcp('fin', 'client');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' && !this.peerReset) {
        this.peerReset = true;
        recorder.tcp('rst', 'server');
      }
      this.recordError(error, 'socket');
    });
    socket.on('close', () => {
      // Closing the descriptor without end() still sends a FIN (unless we reset or the peer did).
      if (this.connected && !this.weSentFin && !this.weReset && !this.peerReset) {
        recorder.tcp('fin', 'client');
      }
      // Let ws report what it saw on this tick (its error and close) before the connection's last record.
      setImmediate(() => this.finish());
    });
  }

  private recordError(error: Error & { code?: string }, source: 'ws' | 'socket'): void {
    if (this.recordedErrors.has(error)) return;
    this.recordedErrors.add(error);
    const code = error.code ?? (source === 'ws' ? 'WS_ERROR' : 'SOCKET_ERROR');
    const side = code.startsWith('WS_ERR_') || code === 'ECONNRESET' ? 'server' : undefined;
    this.recorder.error(code, error.message, side);
  }

  private onUnexpectedResponse(req: ClientRequest, res: IncomingMessage): void {
    this.recorder.error(
      'UNEXPECTED_RESPONSE',
      `Unexpected server response: ${res.statusCode ?? '?'} ${res.statusMessage ?? ''}`.trim(),
      'server',
    );
    // The handshake failed: the socket is of no further use, even if the server keeps it alive (nginx does).
    const done = (): void => {
      clearTimeout(giveUp);
      this.closeRejectedSocket(req);
    };
    const giveUp = setTimeout(done, UNEXPECTED_RESPONSE_GRACE_MS);
    giveUp.unref();
    let bodyBytes = 0;
    res.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      if (bodyBytes > UNEXPECTED_RESPONSE_MAX_BODY) done();
    });
    res.on('error', () => undefined);
    res.on('end', done);
  }

  /**
   * Without an agent, node:http detaches a kept-alive socket from the request once the response is complete, so
   * destroying the request no longer touches it: end the socket ourselves, and destroy it if the server lingers.
   */
  private closeRejectedSocket(req: ClientRequest): void {
    req.destroy();
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    socket.end();
    const force = setTimeout(() => socket.destroy(), SOCKET_END_GRACE_MS);
    force.unref();
    socket.once('close', () => clearTimeout(force));
  }

  private startHeartbeats(): void {
    const { pingIntervalMs, heartbeat } = this.options;
    const settings: ConnectHeartbeat[] = [
      ...(pingIntervalMs ? [{ intervalMs: pingIntervalMs, kind: 'ping' as const }] : []),
      ...(heartbeat ? [heartbeat] : []),
    ];
    for (const setting of settings) {
      const beat = new Heartbeat(setting, {
        isOpen: () => this.ws.readyState === WebSocket.OPEN,
        ping: (payload) => this.sendPing(payload),
        sendText: (text) => this.ws.send(text),
      });
      beat.start();
      this.heartbeats.push(beat);
    }
  }

  private stopHeartbeats(): void {
    for (const beat of this.heartbeats.splice(0)) beat.stop();
    this.pongWait?.stop();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.stopHeartbeats();
    this.recorder.end();
    this.options.onEnd?.();
  }
}
