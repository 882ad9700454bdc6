import { readFileSync } from 'node:fs';
import net from 'node:net';
import { errorResponse } from './error-response.js';

/** Why the listener turned a client away (counted in `RunningProxy.refused`). */
export type RefusalKind = 'full' | 'stalled' | 'remote';
export type RefusalCounts = Record<RefusalKind, number>;

export interface ListenerLimits {
  /** Client sockets open at once; beyond it the oldest socket still without its request head is dropped, else the newcomer. */
  maxConnections: number;
  /** From accept until `settled()`: one deadline per socket however slowly bytes trickle in. 0 = none. */
  headDeadlineMs: number;
  /** Accept clients whose address is not loopback. */
  allowRemote: boolean;
}

export const DEFAULT_MAX_CONNECTIONS = 512;
/** Descriptors left for everything else (session file, worker, upstream dials in progress, DNS). */
const RESERVED_DESCRIPTORS = 64;

/**
 * 512, or fewer when the descriptor limit cannot hold that many relayed connections (two sockets each): past the
 * limit accept() fails with EMFILE and everyone is locked out, which the cap exists to prevent.
 */
export function defaultMaxConnections(): number {
  let limits = '';
  try {
    limits = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return DEFAULT_MAX_CONNECTIONS;
  }
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
  if (!Number.isFinite(soft) || soft <= 0) return DEFAULT_MAX_CONNECTIONS;
  return Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, Math.floor((soft - RESERVED_DESCRIPTORS) / 2)));
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Whether a listening host is reachable only from this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || isLoopbackAddress(host);
}

const FULL_RESPONSE = errorResponse(503, 'the proxy is at its connection limit').bytes;

/**
 * A raw TCP listener for a proxy: no HTTP parsing by Node, half-open sockets allowed (so a FIN can be relayed as a
 * FIN), every socket's errors handled, open sockets counted and destroyed on close. Sockets are capped: a socket
 * that has not sent its request head (`settled()`) within the deadline is dropped, and at the cap the oldest of those
 * makes room for a new client, so clients trickling heads byte by byte cannot lock others out.
 */
export class ProxyListener {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /** Sockets still waiting for their request head, oldest first, with their deadline timer. */
  private readonly pending = new Map<net.Socket, NodeJS.Timeout | undefined>();
  /** Accepted since start. */
  accepted = 0;
  readonly refused: RefusalCounts = { full: 0, stalled: 0, remote: 0 };
  /** close() was called: sockets ending now were ended by the inspector. */
  closing = false;

  constructor(
    handle: (socket: net.Socket) => void,
    private readonly onCountChange: () => void = () => undefined,
    private readonly limits: ListenerLimits = {
      maxConnections: defaultMaxConnections(),
      headDeadlineMs: 30_000,
      allowRemote: false,
    },
  ) {
    this.server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (socket) => {
      socket.on('error', () => undefined);
      if (!this.admit(socket)) return;
      this.sockets.add(socket);
      this.accepted++;
      const deadline =
        limits.headDeadlineMs > 0 ? setTimeout(() => this.drop(socket), limits.headDeadlineMs) : undefined;
      deadline?.unref();
      this.pending.set(socket, deadline);
      socket.once('close', () => {
        this.settled(socket);
        this.sockets.delete(socket);
        this.onCountChange();
      });
      this.onCountChange();
      try {
        handle(socket);
      } catch {
        socket.destroy();
      }
    });
    this.server.on('error', () => undefined);
  }

  get open(): number {
    return this.sockets.size;
  }

  /** The socket's request head arrived: it no longer runs against the head deadline and is not dropped for room. */
  settled(socket: net.Socket): void {
    if (!this.pending.has(socket)) return;
    clearTimeout(this.pending.get(socket));
    this.pending.delete(socket);
  }

  private admit(socket: net.Socket): boolean {
    if (!this.limits.allowRemote && !isLoopbackAddress(socket.remoteAddress)) {
      this.refuse('remote');
      socket.destroy();
      return false;
    }
    if (this.sockets.size < this.limits.maxConnections) return true;
    const oldest = this.pending.keys().next();
    if (!oldest.done) {
      this.drop(oldest.value);
      return true;
    }
    this.refuse('full');
    socket.end(FULL_RESPONSE, () => socket.destroy());
    setTimeout(() => socket.destroy(), 1_000).unref();
    return false;
  }

  /** A socket that did not send its head in time, or the oldest such one when room is needed. */
  private drop(socket: net.Socket): void {
    this.settled(socket);
    this.refuse('stalled');
    socket.destroy();
  }

  private refuse(kind: RefusalKind): void {
    this.refused[kind]++;
    this.onCountChange();
  }

  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen({ host, port, backlog: 1024 }, () => {
        this.server.off('error', onError);
        const address = this.server.address() as net.AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      for (const timer of this.pending.values()) clearTimeout(timer);
      this.pending.clear();
      for (const socket of this.sockets) socket.destroy();
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
  }
}

export function formatAddress(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
