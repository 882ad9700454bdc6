import net from 'node:net';
import tls from 'node:tls';
import type { HttpRequestHead } from '../../shared/model/handshake.js';
import type { Side } from '../../shared/model/wire.js';
import { CertificateAuthority, defaultCaDir } from './ca-store.js';
import type { ProxyLeg } from './capture.js';
import { describeClientTlsFailure } from './client-tls-failure.js';
import { errorResponse } from './error-response.js';
import { readHead } from './head-reader.js';
import { rewriteRequestHead } from './head-rewrite.js';
import type { RequestRewrite } from './head-rewrite.js';
import { parseRequestHead } from './http-head.js';
import type { Planner } from './proxy-connection.js';
import { proxyConnection } from './proxy-connection.js';
import { formatAddress, ProxyListener } from './proxy-listener.js';
import type { CommonProxyOptions, RunningProxy } from './proxy-options.js';
import { connectionOptions, listenerLimits, peerOf } from './proxy-options.js';
import { relay } from './relay.js';
import { hostnameOf, isTlsUrl, PLAIN_HTTP_DROP, portOf } from './reverse-proxy.js';
import { dialUpstream } from './upstream-dialer.js';

export interface ForwardProxyOptions extends CommonProxyOptions {
  /** Folder of the local CA (created on first use). Default ~/.config/websocket-inspector/ca. */
  caDir?: string;
  /** Hosts (exact names, or "*.example.com") whose CONNECT tunnels are relayed without interception. */
  passThrough?: readonly string[];
  /** Intercepted hosts whose certificate is kept (least recently used dropped first). Default 1000. */
  certCacheSize?: number;
}

/** Request headers meant for the proxy itself, never forwarded. */
const PROXY_ONLY_HEADERS = ['proxy-connection', 'proxy-authorization'];
const TLS_HANDSHAKE_RECORD = 0x16;
const CONNECT_ESTABLISHED = Buffer.from('HTTP/1.1 200 Connection Established\r\n\r\n', 'latin1');

export function matchesPassThrough(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase();
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase();
    if (pattern.startsWith('*.')) return name.endsWith(pattern.slice(1)) || name === pattern.slice(2);
    return name === pattern;
  });
}

/** host and port of a CONNECT authority ("example.com:443", "[::1]:8443"). */
export function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(authority);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port > 0 && port < 65_536)) return undefined;
  return { host, port };
}

function withHostPort(host: string, port: number, defaultPort: number): string {
  const h = net.isIPv6(host) ? `[${host}]` : host;
  return port === defaultPort ? h : `${h}:${port}`;
}

/** Outside a tunnel: absolute-form requests ("GET ws://host/path HTTP/1.1"), sent upstream in origin-form. */
function absoluteFormPlanner(insecure: boolean): Planner {
  return (head, kind) => {
    let url: URL;
    try {
      url = new URL(head.target);
    } catch {
      return { ok: false, message: `a forward proxy needs an absolute URL or CONNECT, got "${head.target}"` };
    }
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
      return { ok: false, message: `unsupported scheme ${url.protocol}` };
    }
    const tls = isTlsUrl(url);
    const originForm = `${url.pathname}${url.search}`;
    const rewrite: RequestRewrite = { target: originForm, drop: PROXY_ONLY_HEADERS };
    if (!head.headers.some((h) => h.name.toLowerCase() === 'host')) rewrite.host = url.host;
    plainHttpClose(rewrite, kind === 'http');
    const wsScheme = tls ? 'wss:' : 'ws:';
    return {
      ok: true,
      plan: {
        endpoint: { host: hostnameOf(url), port: portOf(url), tls, insecure },
        head: rewriteRequestHead(head.raw, rewrite),
        url: `${wsScheme}//${url.host}${originForm}`,
        target: `${wsScheme}//${url.host}`,
      },
    };
  };
}

/** Inside a CONNECT tunnel the requests are origin-form and go to the tunnel's host. */
function tunnelPlanner(
  host: string,
  port: number,
  useTls: boolean,
  insecure: boolean,
  servername?: string,
): Planner {
  const wsScheme = useTls ? 'wss:' : 'ws:';
  const authority = withHostPort(host, port, useTls ? 443 : 80);
  return (head, kind) => {
    const rewrite: RequestRewrite = { drop: PROXY_ONLY_HEADERS };
    plainHttpClose(rewrite, kind === 'http');
    return {
      ok: true,
      plan: {
        endpoint: { host, port, tls: useTls, insecure, ...(servername !== undefined ? { servername } : {}) },
        head: rewriteRequestHead(head.raw, rewrite),
        url: `${wsScheme}//${authority}${head.target}`,
        target: `${wsScheme}//${authority}`,
      },
    };
  };
}

function plainHttpClose(rewrite: RequestRewrite, plain: boolean): void {
  if (!plain) return;
  rewrite.drop = [...(rewrite.drop ?? []), ...PLAIN_HTTP_DROP];
  rewrite.append = ['Connection: close'];
}

/** Reads the first bytes of a tunnel without losing them (they are pushed back for whoever reads next). */
function peekFirstChunk(socket: net.Socket, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const done = (chunk: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      if (chunk) socket.unshift(chunk);
      resolve(chunk);
    };
    const onData = (chunk: Buffer): void => done(chunk);
    const onClose = (): void => done(undefined);
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
  });
}

/**
 * Forward mode: an HTTP proxy. Absolute-form requests (ws://, http://) are forwarded; CONNECT tunnels are
 * intercepted (TLS terminated with a leaf certificate from the local CA, then treated like reverse mode towards the
 * tunnel's host) unless the host is on the pass-through list, in which case the tunnel is relayed untouched.
 */
export async function startForwardProxy(
  options: ForwardProxyOptions,
): Promise<RunningProxy & { ca: CertificateAuthority }> {
  const ca = await CertificateAuthority.loadOrCreate(options.caDir ?? defaultCaDir());
  if (options.certCacheSize !== undefined) ca.cacheSize = options.certCacheSize;
  const settings = connectionOptions(options);
  const insecure = options.insecure ?? false;
  const passThrough = options.passThrough ?? [];
  const absolute = absoluteFormPlanner(insecure);

  /** `raw` is the client's TCP socket (under `socket` when TLS is intercepted). */
  const serveRequests = async (
    socket: net.Socket,
    peer: string,
    planner: Planner,
    raw: net.Socket,
  ): Promise<void> => {
    const request = await readHead(socket, { timeoutMs: settings.headTimeoutMs });
    if (!request.ok) {
      if (request.reason === 'too-large') socket.end(errorResponse(400, request.message).bytes);
      else socket.destroy();
      return;
    }
    listener.settled(raw);
    await proxyConnection(socket, request, peer, planner, settings);
  };

  const tunnel = async (
    client: net.Socket,
    head: HttpRequestHead,
    rest: Buffer,
    peer: string,
  ): Promise<void> => {
    const authority = parseAuthority(head.target);
    if (!authority) return void client.end(errorResponse(400, `bad CONNECT target "${head.target}"`).bytes);
    const { host, port } = authority;
    if (rest.length > 0) client.unshift(rest);
    // No WebSocket request was seen on a tunnel that failed: the record is all the session will have of it.
    const recordFailure = (leg: ProxyLeg, code: string, message: string, side: Side): void => {
      const capture = settings.capture({
        url: `wss://${withHostPort(host, port, 443)}/`,
        peer,
        target: withHostPort(host, port, 443),
      });
      capture.error(leg, code, message, side);
      capture.end();
    };

    if (matchesPassThrough(host, passThrough)) {
      const dialed = await dialUpstream({ host, port, tls: false }, settings.connectTimeoutMs);
      if (!dialed.ok) {
        const status = dialed.kind === 'timeout' ? 504 : 502;
        recordFailure(
          'upstream',
          dialed.code,
          `pass-through tunnel to ${host}:${port}: ${dialed.message}`,
          'server',
        );
        return void client.end(errorResponse(status, `${host}:${port}: ${dialed.message}`).bytes);
      }
      dialed.socket.on('error', () => undefined);
      listener.settled(client);
      client.write(CONNECT_ESTABLISHED);
      const noop = (): void => undefined;
      return void relay(client, dialed.socket, {}, { tcp: noop, error: noop, closed: noop });
    }

    client.write(CONNECT_ESTABLISHED);
    const first = await peekFirstChunk(client, settings.headTimeoutMs);
    if (!first) return void client.destroy();
    if (first[0] !== TLS_HANDSHAKE_RECORD)
      return serveRequests(client, peer, tunnelPlanner(host, port, false, insecure), client);

    let servername: string | undefined;
    let context: tls.SecureContext;
    try {
      context = await ca.contextFor(host);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      recordFailure('downstream', 'TLS_INTERCEPT_FAILED', message, 'client');
      return void client.destroy();
    }
    const secure = new tls.TLSSocket(client, {
      isServer: true,
      secureContext: context,
      ALPNProtocols: ['http/1.1'],
      SNICallback: (name, callback) => {
        servername = name;
        ca.contextFor(name).then(
          (named) => callback(null, named),
          (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
        );
      },
    });
    let secured = false;
    let failure: Error | undefined;
    secure.on('error', (error) => {
      failure ??= error;
      secure.destroy();
    });
    // The listener allows half-open sockets: a client that gives up mid-handshake only half-closes.
    secure.once('end', () => {
      if (!secured) secure.destroy();
    });
    secure.once('close', () => {
      // Stopping the proxy destroys handshakes in progress: that is not the client's doing.
      if (secured || listener.closing) return;
      const { code, message } = describeClientTlsFailure(failure, host);
      recordFailure('downstream', code, message, 'client');
    });
    secure.once('secure', () => {
      secured = true;
      // Upstream is verified against the name the client asked for (SNI), falling back to the CONNECT host.
      const planner = tunnelPlanner(
        host,
        port,
        true,
        insecure,
        servername ?? (net.isIP(host) ? undefined : host),
      );
      serveRequests(secure, peer, planner, client).catch(() => secure.destroy());
    });
  };

  const handle = (socket: net.Socket): void => {
    const peer = peerOf(socket);
    const serve = async (): Promise<void> => {
      const request = await readHead(socket, { timeoutMs: settings.headTimeoutMs });
      if (!request.ok) {
        if (request.reason === 'too-large') socket.end(errorResponse(400, request.message).bytes);
        else socket.destroy();
        return;
      }
      const parsed = parseRequestHead(request.head);
      if (parsed.ok && parsed.head.method.toUpperCase() === 'CONNECT') {
        return tunnel(socket, parsed.head, request.rest, peer);
      }
      listener.settled(socket);
      await proxyConnection(socket, request, peer, absolute, settings);
    };
    serve().catch(() => socket.destroy());
  };

  const listener = new ProxyListener(
    handle,
    options.onChange,
    listenerLimits(options, options.allowRemote ?? false),
  );
  const bound = await listener.listen(options.listenHost ?? '127.0.0.1', options.listenPort ?? 0);
  return {
    mode: 'forward',
    address: formatAddress(bound.host, bound.port),
    host: bound.host,
    port: bound.port,
    ca,
    caCertPath: ca.certPath,
    connections: () => listener.open,
    refused: () => ({ ...listener.refused }),
    allowRemote: options.allowRemote ?? false,
    close: async () => {
      await listener.close();
      await ca.close();
    },
  };
}
