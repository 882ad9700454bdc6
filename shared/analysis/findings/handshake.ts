import type { HttpRequestEvent, HttpResponseEvent } from '../../model/events.js';
import type { Indexed } from '../connection-facts.js';
import { clientFacingLeg, clientRequest, clientResponse, requestOn } from '../connection-facts.js';
import { diffHeaders } from '../header-diff.js';
import { extensionNames, hasHeader, headerTokens, headerValue, upgradeHeadersPresent } from '../headers.js';
import { formatMs } from '../format.js';
import type { ConnectionContext, ConnectionRule, FindingInput } from './context.js';
import { eventRef, handshakeRef } from './context.js';

const GATEWAY_STATUSES = new Set([499, 502, 504]);

const requestLine = (r: HttpRequestEvent): string =>
  `${r.head.method} ${r.head.target} HTTP/${r.head.httpVersion}`;
const statusLine = (r: HttpResponseEvent): string =>
  `HTTP/${r.head.httpVersion} ${r.head.status}${r.head.statusText ? ` ${r.head.statusText}` : ''}`;
const serverName = (r: HttpResponseEvent): string | undefined => headerValue(r.head.headers, 'server');

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-real-ip', 'via', 'forwarded'];

/** Headers a proxy adds: their presence says the request went through one. */
function forwardedBy(request: HttpRequestEvent): string | undefined {
  return FORWARDING_HEADERS.find((name) => hasHeader(request.head.headers, name));
}

/** Milliseconds from sending the request to the response head (or to `until`). */
function waitedMs(request: Indexed<HttpRequestEvent> | undefined, responseT: number): number | undefined {
  return request ? responseT - request.t : undefined;
}

export const http10: ConnectionRule = ({ facts }) =>
  facts.requests
    .filter((r) => r.head.httpVersion === '1.0')
    .map((r): FindingInput => {
      const via = forwardedBy(r);
      const closedEarly = facts.tcp.some((e) => e.kind !== 'connect' && e.side === 'server');
      return {
        id: 'handshake.http10',
        severity: 'error',
        title: 'Upgrade request sent as HTTP/1.0',
        detail:
          `The ${r.leg} upgrade request was "${requestLine(r)}". RFC 6455 §4.1 requires HTTP/1.1 or later; ` +
          `HTTP/1.0 has no persistent connections by default, so servers that decide keep-alive from the version ` +
          `(e.g. Swoole) answer 101 and then close.` +
          (via ? ` The request carries ${via}: a proxy in front rewrote it.` : '') +
          (closedEarly ? ' The server side closed the TCP connection in this capture.' : ''),
        evidence: [handshakeRef(r.index, 'request line')],
        fix:
          'Send the handshake as HTTP/1.1. Behind nginx add `proxy_http_version 1.1;` (nginx proxies with HTTP/1.0 by ' +
          'default) together with `proxy_set_header Upgrade $http_upgrade;` and `proxy_set_header Connection "upgrade";`.',
      };
    });

/** A request that carries Sec-WebSocket-Key but lost Upgrade/Connection on the way. */
export const upgradeLost: ConnectionRule = ({ facts }) => {
  const findings: FindingInput[] = [];
  const stripped = facts.requests.find((r) => {
    const present = upgradeHeadersPresent(r.head.headers);
    return hasHeader(r.head.headers, 'sec-websocket-key') && (!present.upgrade || !present.connection);
  });
  const response = clientResponse(facts);
  const rejected = response && (response.head.status === 426 || response.head.status === 400);
  if (stripped) {
    const present = upgradeHeadersPresent(stripped.head.headers);
    const missing = [!present.upgrade && 'Upgrade: websocket', !present.connection && 'Connection: upgrade']
      .filter(Boolean)
      .join(' and ');
    const downstream = requestOn(facts, 'downstream');
    let legs = '';
    if (stripped.leg === 'upstream' && downstream) {
      const diff = diffHeaders(downstream.head.headers, stripped.head.headers);
      const lost = diff.entries.filter((e) => e.change === 'removed' && e.hopByHop).map((e) => e.name);
      legs = ` Compared with the downstream request, the upstream request lost: ${lost.join(', ') || 'nothing'}.`;
    }
    const via = forwardedBy(stripped);
    findings.push({
      id: 'handshake.upgrade-lost',
      severity: 'error',
      title: 'Upgrade headers were dropped on the way to the server',
      detail:
        `The ${stripped.leg} request carries Sec-WebSocket-Key but not ${missing}. Upgrade and Connection are ` +
        `hop-by-hop headers (RFC 9110 §7.6.1): a proxy forwards them only when told to.` +
        (via ? ` The request carries ${via}, so a proxy forwarded it.` : '') +
        legs +
        (response ? ` The server answered ${response.head.status}.` : ''),
      evidence: [
        handshakeRef(stripped.index, 'request without upgrade headers'),
        ...(response ? [handshakeRef(response.index, 'response')] : []),
      ],
      fix:
        'Forward the upgrade explicitly in the proxy. nginx: `proxy_http_version 1.1; proxy_set_header Upgrade ' +
        '$http_upgrade; proxy_set_header Connection "upgrade";` (ingress-nginx and most load balancers do this for you).',
    });
  } else if (rejected) {
    const sent = clientRequest(facts);
    const present = sent ? upgradeHeadersPresent(sent.head.headers) : undefined;
    if (sent && present?.upgrade && present.connection) {
      const server = serverName(response);
      findings.push({
        id: 'handshake.upgrade-lost',
        severity: 'error',
        title: `Server answered ${response.head.status} to a complete upgrade request`,
        detail:
          `The request had Upgrade: websocket, Connection: upgrade and Sec-WebSocket-Key, yet the answer was ` +
          `"${statusLine(response)}"${server ? ` (Server: ${server})` : ''}. A WebSocket server answers ` +
          `${response.head.status} when the request reaching it lacks the upgrade headers: most likely a proxy on ` +
          `the path dropped the hop-by-hop Upgrade/Connection headers while the end-to-end Sec-WebSocket-* headers arrived.`,
        evidence: [handshakeRef(sent.index, 'request'), handshakeRef(response.index, 'response')],
        fix:
          'Configure every proxy on the path to forward the upgrade. nginx: `proxy_http_version 1.1; proxy_set_header ' +
          'Upgrade $http_upgrade; proxy_set_header Connection "upgrade";`. Capture through `wsi proxy` between the ' +
          'proxy and the server to see the request as the server received it.',
      });
    }
  }
  return findings;
};

const STATUS_EXPLANATIONS: Record<number, { why: string; fix: string }> = {
  400: {
    why: 'the server rejected the upgrade request as malformed: a missing or invalid Sec-WebSocket-Key, Sec-WebSocket-Version other than 13, or missing upgrade headers',
    fix: 'Check the handshake headers against RFC 6455 §4.1 and the server log for the reason.',
  },
  401: {
    why: 'the server requires authentication the request did not carry (browsers cannot set an Authorization header on a WebSocket)',
    fix: 'Send credentials the server accepts during the handshake: a cookie, a token in the query string, or a Sec-WebSocket-Protocol value the server checks.',
  },
  403: {
    why: 'the server refused the request: often an Origin check, a CSRF/CORS policy, an IP rule or missing credentials',
    fix: 'Check the Origin the client sends against the server’s allowed origins and the credentials it expects.',
  },
  404: {
    why: 'nothing serves WebSockets at this path on this host (wrong path, wrong port, or a proxy that routes the path elsewhere)',
    fix: 'Check the URL path and the proxy’s location/route for it.',
  },
  405: {
    why: 'the endpoint does not accept GET here',
    fix: 'Use GET for the handshake and check that the path is the WebSocket endpoint.',
  },
  426: {
    why: 'the server wants an upgrade the request did not ask for (Upgrade/Connection missing) or a different Sec-WebSocket-Version',
    fix: 'Send Upgrade: websocket, Connection: Upgrade and Sec-WebSocket-Version: 13, and make proxies forward them.',
  },
  429: {
    why: 'the server is rate limiting connection attempts',
    fix: 'Reconnect with exponential backoff and jitter; honour Retry-After.',
  },
  500: {
    why: 'the server failed while handling the handshake',
    fix: 'Check the server log around the handshake time.',
  },
  503: {
    why: 'the server or a gateway is unavailable or overloaded',
    fix: 'Retry with backoff; check the server’s health and the gateway’s upstream configuration.',
  },
};

function explainStatus(status: number): { why: string; fix: string } {
  const known = STATUS_EXPLANATIONS[status];
  if (known) return known;
  if (status >= 200 && status < 300)
    return {
      why: 'the server handled the request as plain HTTP instead of upgrading (over HTTP/1.1 a WebSocket needs 101)',
      fix: 'Point the client at the WebSocket endpoint, and make sure nothing on the path answers the request itself.',
    };
  if (status >= 300 && status < 400)
    return {
      why: 'the server redirected; WebSocket clients do not follow redirects (RFC 6455 §4.1 lets them fail)',
      fix: 'Connect to the final URL (check the Location header, e.g. http→https or a trailing slash).',
    };
  if (status >= 500) return { why: 'the server failed', fix: 'Check the server log.' };
  return {
    why: 'the server did not accept the upgrade',
    fix: 'Check the server log and the request headers.',
  };
}

export const rejected: ConnectionRule = ({ facts }) => {
  const response = clientResponse(facts);
  if (!response || response.head.status === 101 || GATEWAY_STATUSES.has(response.head.status)) return [];
  const sent = clientRequest(facts);
  const present = sent ? upgradeHeadersPresent(sent.head.headers) : undefined;
  const explainedByUpgradeLost =
    (response.head.status === 426 || response.head.status === 400) &&
    ((present?.upgrade && present.connection) ||
      facts.requests.some((r) => {
        const p = upgradeHeadersPresent(r.head.headers);
        return hasHeader(r.head.headers, 'sec-websocket-key') && (!p.upgrade || !p.connection);
      }));
  if (explainedByUpgradeLost) return [];
  const { why, fix } = explainStatus(response.head.status);
  const server = serverName(response);
  const location = headerValue(response.head.headers, 'location');
  const bodySize = response.body?.size;
  return [
    {
      id: 'handshake.rejected',
      severity: 'error',
      title: `Upgrade rejected with ${response.head.status}${response.head.statusText ? ` ${response.head.statusText}` : ''}`,
      detail:
        `The server answered "${statusLine(response)}"${server ? ` (Server: ${server})` : ''} instead of 101: ${why}.` +
        (location ? ` Location: ${location}.` : '') +
        (bodySize !== undefined ? ` The response body has ${bodySize} bytes.` : ''),
      evidence: [
        ...(sent ? [handshakeRef(sent.index, 'request')] : []),
        handshakeRef(response.index, 'response'),
      ],
      fix,
    },
  ];
};

export const gatewayError: ConnectionRule = ({ facts }) => {
  const response = clientResponse(facts);
  if (!response || !GATEWAY_STATUSES.has(response.head.status)) return [];
  const sent = clientRequest(facts);
  const waited = waitedMs(sent, response.t);
  const server = serverName(response);
  const status = response.head.status;
  const waitText = waited !== undefined ? ` ${formatMs(waited)} after the request` : '';
  const byStatus: Record<number, { title: string; why: string; fix: string }> = {
    502: {
      title: 'Gateway could not reach a working upstream (502)',
      why: 'the proxy got no valid answer from the upstream: connection refused or reset, or an invalid response',
      fix: 'Check that the upstream server runs and listens where the proxy points (proxy_pass), and its log.',
    },
    504: {
      title: 'Gateway timed out waiting for the upstream (504)',
      why: 'the proxy gave up waiting for the upstream to answer the upgrade (nginx: proxy_connect_timeout / proxy_read_timeout, 60 s by default)',
      fix: 'Find out why the upstream does not answer the handshake (overloaded, blocked event loop, wrong port); raise the proxy timeout only if the server is legitimately slow.',
    },
    499: {
      title: 'Client gave up before the gateway answered (499)',
      why: 'nginx logs 499 when the client closed the connection before a response was sent',
      fix: 'Find out why the upstream is slow to answer the handshake, or raise the client’s handshake timeout.',
    },
  };
  const info = byStatus[status] ?? byStatus[502];
  if (!info) return [];
  return [
    {
      id: 'handshake.gateway-error',
      severity: 'error',
      title: info.title,
      detail: `"${statusLine(response)}"${server ? ` from ${server}` : ''}${waitText}: ${info.why}.`,
      evidence: [
        ...(sent ? [handshakeRef(sent.index, 'request')] : []),
        handshakeRef(response.index, 'response'),
      ],
      fix: info.fix,
    },
  ];
};

export const noResponse: ConnectionRule = ({ facts, options }) => {
  const sent = clientRequest(facts);
  if (!sent || facts.responses.some((r) => r.leg === sent.leg)) return [];
  const tcpEnd = facts.tcp.find((e) => e.kind !== 'connect' && e.t >= sent.t);
  const error = facts.errors.find((e) => e.t >= sent.t);
  const endT = tcpEnd?.t ?? error?.t ?? facts.end?.t;
  if (endT !== undefined) {
    const waited = endT - sent.t;
    const who = tcpEnd
      ? `the ${tcpEnd.side} side ${tcpEnd.kind === 'rst' ? 'reset' : 'closed'} the connection`
      : 'the attempt ended';
    return [
      {
        id: 'handshake.no-response',
        severity: 'error',
        title: `No answer to the upgrade request; ${who} after ${formatMs(waited)}`,
        detail:
          `The upgrade request got no HTTP response; ${formatMs(waited)} after it was sent ${who}` +
          (error ? ` (${error.code}: ${error.message})` : '') +
          '.',
        evidence: [
          handshakeRef(sent.index, 'request'),
          ...(tcpEnd ? [eventRef(tcpEnd.index, `${tcpEnd.side} ${tcpEnd.kind}`)] : []),
          ...(error ? [eventRef(error.index, error.code)] : []),
        ],
        fix: 'Check that the server speaks HTTP on this port (TLS vs plain, right port) and the server log for crashes while handling the upgrade.',
      },
    ];
  }
  const waited = (options.now ?? facts.lastT) - sent.t;
  if (waited < options.handshakeTimeoutMs) return [];
  return [
    {
      id: 'handshake.no-response',
      severity: 'error',
      title: `No answer to the upgrade request for ${formatMs(waited)}`,
      detail: `The upgrade request was sent ${formatMs(waited)} ago and the server has not answered (threshold ${formatMs(options.handshakeTimeoutMs)}).`,
      evidence: [handshakeRef(sent.index, 'request')],
      fix: 'Check that the server accepts connections on this path and is not blocked; behind a proxy, check the proxy’s upstream and its timeouts.',
    },
  ];
};

export const badAccept: ConnectionRule = ({ facts }) =>
  facts.responses
    .filter((r) => r.head.status === 101 && (r.accept === 'mismatch' || r.accept === 'missing'))
    .map((r) => ({
      id: 'handshake.bad-accept',
      severity: 'error',
      title:
        r.accept === 'missing'
          ? 'Sec-WebSocket-Accept missing'
          : 'Sec-WebSocket-Accept does not match the key',
      detail:
        `The ${r.leg} 101 response ${r.accept === 'missing' ? 'has no Sec-WebSocket-Accept header' : `has Sec-WebSocket-Accept "${headerValue(r.head.headers, 'sec-websocket-accept') ?? ''}", which is not base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11))`}. ` +
        'A conforming client (every browser) fails the connection (RFC 6455 §4.1).',
      evidence: [handshakeRef(r.index, 'response')],
      fix: 'Compute the accept value from the exact Sec-WebSocket-Key of this request; make sure no proxy rewrites the key or answers the handshake itself.',
    }));

function negotiated(ctx: ConnectionContext): {
  request?: Indexed<HttpRequestEvent>;
  response?: Indexed<HttpResponseEvent>;
} {
  const response = clientResponse(ctx.facts);
  if (!response || response.head.status !== 101) return {};
  const request = requestOn(ctx.facts, clientFacingLeg(ctx.facts)) ?? ctx.facts.requests[0];
  return request ? { request, response } : { response };
}

export const unofferedSubprotocol: ConnectionRule = (ctx) => {
  const { request, response } = negotiated(ctx);
  if (!request || !response) return [];
  const chosen = headerValue(response.head.headers, 'sec-websocket-protocol')?.trim();
  if (!chosen) return [];
  const offered = headerTokens(request.head.headers, 'sec-websocket-protocol');
  if (offered.includes(chosen.toLowerCase())) return [];
  return [
    {
      id: 'handshake.unoffered-subprotocol',
      severity: 'error',
      title: `Server chose subprotocol "${chosen}" that was not offered`,
      detail:
        `The client offered ${offered.length > 0 ? offered.map((p) => `"${p}"`).join(', ') : 'no subprotocol'}; the server answered Sec-WebSocket-Protocol: ${chosen}. ` +
        'A client must fail the connection in that case (RFC 6455 §4.1); browsers do.',
      evidence: [handshakeRef(request.index, 'offer'), handshakeRef(response.index, 'answer')],
      fix: 'Make the server pick only from the client’s Sec-WebSocket-Protocol list (or omit the header), or offer the protocol from the client.',
    },
  ];
};

export const unofferedExtension: ConnectionRule = (ctx) => {
  const { request, response } = negotiated(ctx);
  if (!request || !response) return [];
  const offered = new Set(extensionNames(request.head.headers));
  const unoffered = extensionNames(response.head.headers).filter((name) => !offered.has(name));
  if (unoffered.length === 0) return [];
  return [
    {
      id: 'handshake.unoffered-extension',
      severity: 'error',
      title: `Server accepted extension ${unoffered.join(', ')} that was not offered`,
      detail:
        `The client offered ${offered.size > 0 ? [...offered].join(', ') : 'no extensions'}; the server answered Sec-WebSocket-Extensions: ${headerValue(response.head.headers, 'sec-websocket-extensions') ?? ''}. ` +
        'A client must fail the connection (RFC 6455 §9.1).',
      evidence: [handshakeRef(request.index, 'offer'), handshakeRef(response.index, 'answer')],
      fix: 'Make the server answer only extensions the client offered; check that no proxy strips Sec-WebSocket-Extensions from the request.',
    },
  ];
};

const TRUST_CA_FIX =
  "trust the inspector's CA certificate in that client (ca-cert.pem: the app shows its path next to the forward proxy, wsi proxy --export-ca FILE copies it; steps per client in docs/proxy.md), or relay that host uncaptured (wsi proxy --pass-through HOST).";

const CONNECT_FIXES: Record<string, string> = {
  ECONNREFUSED: 'Nothing listens on that host and port: start the server or fix the port.',
  ENOTFOUND: 'The host name does not resolve: check the spelling and DNS.',
  EAI_AGAIN: 'DNS lookup failed temporarily: check the resolver.',
  ETIMEDOUT: 'No answer to the TCP connect: a firewall drops the packets or the host is down.',
  ECONNRESET: 'The server reset the connection: check TLS vs plain (wss:// vs ws://) and the server log.',
  // An intercepted CONNECT tunnel (forward proxy) whose TLS handshake with the client failed.
  TLS_CLIENT_REJECTED_CERT: `The client refused the certificate the inspector made for this host because it does not trust the inspector's CA: ${TRUST_CA_FIX}`,
  TLS_CLIENT_CLOSED_HANDSHAKE: `A client that checks certificates and does not trust the inspector's CA closes like this: ${TRUST_CA_FIX}`,
  TLS_INTERCEPT_FAILED:
    "The client and the inspector agreed on no TLS version or cipher, or the client did not speak TLS: check the client's TLS settings, or relay that host uncaptured (wsi proxy --pass-through HOST).",
};

export const connectFailed: ConnectionRule = ({ facts }) => {
  if (facts.requests.length > 0 || facts.responses.length > 0) return [];
  const error = facts.errors[0];
  if (!error) return [];
  return [
    {
      id: 'connect.failed',
      severity: 'error',
      title: `Connection failed before the handshake: ${error.code}`,
      detail: `${error.code}: ${error.message} (${formatMs(error.t - (facts.connection?.t ?? facts.firstT))} after the attempt started).`,
      evidence: [eventRef(error.index, error.code)],
      fix:
        CONNECT_FIXES[error.code] ??
        (/CERT|TLS|SSL/i.test(error.code)
          ? 'TLS failed: check the certificate chain and host name, or use --insecure for a test server.'
          : 'Check the URL, the network path and the server.'),
    },
  ];
};

export const handshakeRules: ConnectionRule[] = [
  connectFailed,
  http10,
  upgradeLost,
  rejected,
  gatewayError,
  noResponse,
  badAccept,
  unofferedSubprotocol,
  unofferedExtension,
];
