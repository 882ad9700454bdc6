import net from 'node:net';
import tls from 'node:tls';
import type { TlsSummary } from '../../shared/model/handshake.js';
import { tlsSummary } from '../capture/tls-summary.js';

export interface UpstreamEndpoint {
  host: string;
  port: number;
  tls: boolean;
  /** SNI name and the name the certificate must match (defaults to host when it is not an IP). */
  servername?: string;
  /** Accept invalid upstream certificates. */
  insecure?: boolean;
  /** ALPN protocols to offer; WebSocket over TLS is HTTP/1.1. */
  alpn?: string[];
}

export interface DialTiming {
  /** DNS lookup (0 for IP literals). */
  dnsMs?: number;
  tcpConnectMs?: number;
  tlsMs?: number;
}

export type DialFailureKind = 'dns' | 'refused' | 'unreachable' | 'reset' | 'tls' | 'timeout' | 'other';

export type DialResult =
  | { ok: true; socket: net.Socket; timing: DialTiming; remoteAddress: string; tls?: TlsSummary }
  | { ok: false; kind: DialFailureKind; code: string; message: string; timing: DialTiming };

function classify(err: NodeJS.ErrnoException, tlsStarted: boolean): DialFailureKind {
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return 'dns';
    case 'ECONNREFUSED':
      return 'refused';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'unreachable';
    case 'ECONNRESET':
    case 'EPIPE':
      return tlsStarted ? 'tls' : 'reset';
    default:
      return tlsStarted || (err.code ?? '').startsWith('ERR_SSL') || (err.code ?? '').includes('CERT')
        ? 'tls'
        : 'other';
  }
}

/** Opens the TCP (and TLS) connection to the upstream server, reporting each phase's duration and what failed. */
export function dialUpstream(endpoint: UpstreamEndpoint, timeoutMs: number): Promise<DialResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const timing: DialTiming = {};
    let tcpAt: number | undefined;
    let settled = false;
    const servername = endpoint.servername ?? (net.isIP(endpoint.host) ? undefined : endpoint.host);
    // allowHalfOpen is honoured by tls.connect (passed to the underlying socket) but missing from its typings.
    const tlsOptions = {
      host: endpoint.host,
      port: endpoint.port,
      ...(servername !== undefined ? { servername } : {}),
      rejectUnauthorized: !endpoint.insecure,
      ALPNProtocols: endpoint.alpn ?? ['http/1.1'],
      allowHalfOpen: true,
    };
    const socket: net.Socket = endpoint.tls
      ? tls.connect(tlsOptions)
      : net.connect({ host: endpoint.host, port: endpoint.port, allowHalfOpen: true });

    const settle = (result: DialResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.off('connect', onConnect);
      socket.off('secureConnect', onSecure);
      socket.off('lookup', onLookup);
      if (!result.ok) socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => {
      const phase = tcpAt === undefined ? 'connect' : 'TLS handshake';
      settle({
        ok: false,
        kind: 'timeout',
        code: 'ETIMEDOUT',
        message: `${phase} to ${endpoint.host}:${endpoint.port} timed out after ${timeoutMs} ms`,
        timing,
      });
    }, timeoutMs);
    const onLookup = (err: Error | null): void => {
      if (!err) timing.dnsMs = performance.now() - started;
    };
    const onConnect = (): void => {
      tcpAt = performance.now();
      timing.tcpConnectMs = tcpAt - started - (timing.dnsMs ?? 0);
      socket.setNoDelay(true);
      if (!endpoint.tls) settle({ ok: true, socket, timing, remoteAddress: remote(socket) });
    };
    const onSecure = (): void => {
      timing.tlsMs = performance.now() - (tcpAt ?? started);
      const summary = tlsSummary(socket as tls.TLSSocket, servername ?? endpoint.host);
      settle({ ok: true, socket, timing, remoteAddress: remote(socket), tls: summary });
    };
    socket.on('lookup', onLookup);
    socket.on('connect', onConnect);
    socket.on('secureConnect', onSecure);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const kind = classify(err, endpoint.tls && tcpAt !== undefined);
      settle({ ok: false, kind, code: err.code ?? 'EUPSTREAM', message: err.message, timing });
    });
    socket.on('close', () =>
      settle({
        ok: false,
        kind: endpoint.tls ? 'tls' : 'reset',
        code: 'ECONNRESET',
        message: 'upstream closed the connection during connect',
        timing,
      }),
    );
  });
}

function remote(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
