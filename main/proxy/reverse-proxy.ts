import type net from 'node:net';
import { errorResponse } from './error-response.js';
import { readHead } from './head-reader.js';
import { rewriteRequestHead, reverseTarget } from './head-rewrite.js';
import type { RequestRewrite } from './head-rewrite.js';
import type { Planner } from './proxy-connection.js';
import { proxyConnection } from './proxy-connection.js';
import { formatAddress, ProxyListener } from './proxy-listener.js';
import type { CommonProxyOptions, RunningProxy } from './proxy-options.js';
import { connectionOptions, listenerLimits, peerOf } from './proxy-options.js';

export interface ReverseProxyOptions extends CommonProxyOptions {
  /** ws://, wss://, http:// or https:// URL every connection is forwarded to. */
  target: string;
}

/** Headers removed from plain (non-upgrade) HTTP requests, which get `Connection: close` instead. */
export const PLAIN_HTTP_DROP = ['connection', 'keep-alive', 'proxy-connection'];

export function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new Error(`invalid target URL: ${target}`);
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol)) {
    throw new Error(`target must be a ws://, wss://, http:// or https:// URL, got ${url.protocol}`);
  }
  return url;
}

export function isTlsUrl(url: URL): boolean {
  return url.protocol === 'wss:' || url.protocol === 'https:';
}

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : isTlsUrl(url) ? 443 : 80;
}

/** Bare host name for connecting (IPv6 literals lose their brackets). */
export function hostnameOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Reverse mode: the client talks to the proxy as if it were the server. The request goes upstream unchanged except
 * the Host header (set to the target's) and the request target when the target URL has a path prefix.
 */
export function reversePlanner(target: URL, insecure: boolean): Planner {
  const tls = isTlsUrl(target);
  const wsScheme = tls ? 'wss:' : 'ws:';
  return (head, kind) => {
    const upstreamTarget = reverseTarget(head.target, target);
    const rewrite: RequestRewrite = { host: target.host };
    if (upstreamTarget !== head.target) rewrite.target = upstreamTarget;
    if (kind === 'http') {
      rewrite.drop = PLAIN_HTTP_DROP;
      rewrite.append = ['Connection: close'];
    }
    return {
      ok: true,
      plan: {
        endpoint: { host: hostnameOf(target), port: portOf(target), tls, insecure },
        head: rewriteRequestHead(head.raw, rewrite),
        url: `${wsScheme}//${target.host}${upstreamTarget}`,
        target: `${wsScheme}//${target.host}`,
      },
    };
  };
}

export async function startReverseProxy(options: ReverseProxyOptions): Promise<RunningProxy> {
  const target = parseTarget(options.target);
  const settings = connectionOptions(options);
  const planner = reversePlanner(target, options.insecure ?? false);
  const handle = (socket: net.Socket): void => {
    const peer = peerOf(socket);
    void readHead(socket, { timeoutMs: settings.headTimeoutMs })
      .then(async (request) => {
        if (!request.ok) {
          if (request.reason === 'too-large') socket.end(errorResponse(400, request.message).bytes);
          else socket.destroy();
          return;
        }
        listener.settled(socket);
        await proxyConnection(socket, request, peer, planner, settings);
      })
      .catch(() => socket.destroy());
  };
  // A reverse proxy reaches one configured target: listening on a public address is how it is meant to be used.
  const listener = new ProxyListener(handle, options.onChange, listenerLimits(options, true));
  const bound = await listener.listen(options.listenHost ?? '127.0.0.1', options.listenPort ?? 0);
  return {
    mode: 'reverse',
    address: formatAddress(bound.host, bound.port),
    host: bound.host,
    port: bound.port,
    target: target.toString(),
    connections: () => listener.open,
    refused: () => ({ ...listener.refused }),
    allowRemote: true,
    close: () => listener.close(),
  };
}
