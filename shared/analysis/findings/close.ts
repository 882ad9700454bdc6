import { describeCloseCode } from '../../protocol/close-codes.js';
import type { Side } from '../../model/wire.js';
import { clientResponse, openedT } from '../connection-facts.js';
import { headerValue } from '../headers.js';
import { formatMs, minOf } from '../format.js';
import { matchIdleTimeouts, safeHeartbeatMs, userIdleTimeout } from '../idle-timeouts.js';
import type { ConnectionRule, FindingInput } from './context.js';
import { eventRef, frameRef } from './context.js';

const otherSide = (side: Side): Side => (side === 'client' ? 'server' : 'client');

function sideName(side: Side, proxied: boolean): string {
  if (side === 'server')
    return proxied
      ? 'the server side (the upstream, or a proxy between the inspector and it)'
      : 'the server side (the server or a proxy/load balancer in front of it)';
  return proxied
    ? 'the client side (the client, or a proxy between it and the inspector)'
    : 'the client side';
}

/** The server ended TCP right after the 101, with no close frame. */
export const closeAfterUpgrade: ConnectionRule = ({ facts, close, options }) => {
  const openT = openedT(facts);
  const end = close.firstTcpEnd;
  if (openT === undefined || close.firstClose || !end || end.side !== 'server') return [];
  const afterMs = end.t - openT;
  if (afterMs > options.closeAfterUpgradeMs) return [];
  const http10 = facts.requests.find((r) => r.head.httpVersion === '1.0');
  let dataFrames = 0;
  for (const f of facts.frames) if (f.t <= end.t && f.frame.opcode !== 0x8) dataFrames++;
  const server = headerValue(clientResponse(facts)?.head.headers ?? [], 'server');
  const viaNginx = !http10 && server !== undefined && /nginx/i.test(server);
  let cause: string;
  if (http10)
    cause = `The ${http10.leg} upgrade request was HTTP/1.0: the server treated the connection as non-persistent and closed it once the response was written.`;
  else if (viaNginx)
    cause = `The 101 came through ${server}, which proxies with HTTP/1.0 unless \`proxy_http_version 1.1\` is set: a backend that derives keep-alive from the HTTP version (e.g. Swoole) closes right after the upgrade. Other causes: a post-handshake authentication check, a crash in the connection handler.`;
  else
    cause =
      'Typical causes: a post-handshake authentication/authorisation check that drops the socket, an HTTP/1.0 request on another hop, or a crash in the connection handler.';
  return [
    {
      id: 'close.after-upgrade',
      severity: 'error',
      title: `Server closed TCP ${formatMs(afterMs)} after the 101, without a close frame`,
      detail:
        `The handshake completed (101), then ${sideName('server', facts.connection?.mode === 'proxy')} sent ${end.kind === 'rst' ? 'a TCP reset' : 'FIN'} ` +
        `${formatMs(afterMs)} later with no WebSocket close frame (${dataFrames} frame(s) before it). ` +
        `A browser reports this as code 1006. ${cause}`,
      evidence: [eventRef(end.index, `server ${end.kind}`)],
      fix:
        http10 || viaNginx
          ? 'Send the handshake as HTTP/1.1 on every hop (nginx: `proxy_http_version 1.1;` plus Upgrade/Connection headers).'
          : 'Check the server log at that moment; if it rejects the client after the upgrade, make it send a close frame with a code (e.g. 1008) and a reason, or reject the handshake with 401/403 instead.',
    },
  ];
};

/** The connection dropped without a close frame after a silence: match it with known idle timeouts. */
export const idleDrop: ConnectionRule = ({ facts, close, options }) => {
  const openT = openedT(facts);
  const end = close.firstTcpEnd;
  if (openT === undefined || close.firstClose || !end || !close.silenceBefore) return [];
  const silenceMs = Math.min(close.silenceBefore.c2s, close.silenceBefore.s2c);
  if (end.t - openT <= options.closeAfterUpgradeMs && end.side === 'server') return [];
  if (silenceMs < options.minIdleDropMs) return [];
  const extra = options.idleThresholdMs !== undefined ? [userIdleTimeout(options.idleThresholdMs)] : [];
  const matches = matchIdleTimeouts(silenceMs, extra);
  const smallest = minOf(matches.map((m) => m.timeoutMs));
  const heartbeatMs = safeHeartbeatMs(smallest ?? silenceMs);
  const proxied = facts.connection?.mode === 'proxy';
  const matchText =
    matches.length > 0
      ? ` That matches ${matches.map((m) => `${m.component} (${m.setting}, ${formatMs(m.timeoutMs)})`).join('; ')}.`
      : ' It matches none of the common defaults (nginx 60 s, AWS ALB 60 s, Heroku 55 s, Cloudflare ~100 s, Azure LB 4 min): look for a timeout configured to about this value on the path.';
  return [
    {
      id: 'close.idle-drop',
      severity: 'error',
      title: `Dropped without a close frame after ${formatMs(silenceMs)} of silence (${end.side} side ended TCP)`,
      detail:
        `No frame went either way for ${formatMs(silenceMs)} (client silent ${formatMs(close.silenceBefore.c2s)}, server silent ${formatMs(close.silenceBefore.s2c)}), ` +
        `then ${sideName(end.side, proxied)} ${end.kind === 'rst' ? 'reset the TCP connection' : 'closed TCP (FIN)'} without a WebSocket close frame; a browser reports 1006.` +
        matchText,
      evidence: [
        eventRef(end.index, `${end.side} ${end.kind}`),
        ...(facts.frames.length > 0 ? [frameRef(facts.frames.at(-1)?.frame.seq ?? 0, 'last frame')] : []),
      ],
      fix:
        `Keep the connection busy: send a heartbeat (a protocol ping from the server, or an application message from a browser) at least every ${formatMs(heartbeatMs)} ` +
        `(under half the ${smallest !== undefined ? 'smallest matching' : 'observed'} timeout of ${formatMs(smallest ?? silenceMs)}), or raise the idle timeout on the path (nginx: proxy_read_timeout / proxy_send_timeout).`,
    },
  ];
};

/** TCP ended without a close frame from the server: a browser reports 1006. */
export const abnormalClosure: ConnectionRule = ({ facts, close }) => {
  if (openedT(facts) === undefined || close.browserCloseCode !== 1006) return [];
  const end = close.firstTcpEnd;
  const error = facts.errors[0];
  const proxied = facts.connection?.mode === 'proxy';
  const unanswered = close.firstClose && !close.replyClose ? close.firstClose : undefined;
  let how: string;
  if (end)
    how = `${sideName(end.side, proxied)} ${end.kind === 'rst' ? 'reset' : 'closed (FIN)'} the TCP connection`;
  else if (error) how = `the connection failed with ${error.code}: ${error.message}`;
  else how = 'the connection ended';
  return [
    {
      id: 'close.abnormal',
      severity: 'error',
      title: `Abnormal closure (1006): ${end ? `${end.side} ended TCP` : 'no close frame'}`,
      detail:
        `The server sent no close frame; ${how}${close.endedT !== undefined && openedT(facts) !== undefined ? ` ${formatMs((end?.t ?? close.endedT) - (openedT(facts) ?? 0))} after the upgrade` : ''}. ` +
        (unanswered
          ? `The ${unanswered.side} had sent a close frame (code ${unanswered.code ?? 'none'}) that was never answered. `
          : '') +
        'A browser’s CloseEvent reports code 1006 with wasClean false; 1006 is never sent on the wire.',
      evidence: [
        ...(end ? [eventRef(end.index, `${end.side} ${end.kind}`)] : []),
        ...(unanswered ? [frameRef(unanswered.seq, 'unanswered close')] : []),
        ...(!end && error ? [eventRef(error.index, error.code)] : []),
      ],
      fix: 'See the more specific findings for this connection; a server should always end with a close frame (RFC 6455 §7.1.1) and a client should reconnect with backoff on 1006.',
    },
  ];
};

const WARNING_CODES = new Set([1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014]);
const CLOSE_FIXES: Record<number, string> = {
  1000: 'Nothing to fix: a normal closure.',
  1001: 'Expected when a page is left or a server shuts down; reconnect if needed.',
  1002: 'One side broke the protocol: look at the protocol violation findings and the frames before the close.',
  1003: 'Send only the data type the receiver accepts (text vs binary).',
  1007: 'Send valid UTF-8 in text messages (or use binary messages for arbitrary bytes).',
  1008: 'The receiver’s policy rejected something (often authentication); check its log and the close reason.',
  1009: 'Send smaller messages or raise the receiver’s maximum message size.',
  1010: 'The server must negotiate the extension the client requires, or the client must stop requiring it.',
  1011: 'The server hit an internal error: check its log at this time.',
  1012: 'The service is restarting: reconnect with backoff.',
  1013: 'Temporary overload: reconnect with backoff.',
  1014: 'A gateway got a bad answer from its upstream: check the upstream server.',
};

function closingAfter(silence: Record<'c2s' | 's2c', number> | undefined): string {
  const quiet = silence ? Math.min(silence.c2s, silence.s2c) : 0;
  return quiet >= 1000 ? ` It came after ${formatMs(quiet)} without frames in either direction.` : '';
}

/** Explains the close codes exchanged, and flags codes that must never appear on the wire. */
export const closeCodes: ConnectionRule = ({ close }) => {
  const findings: FindingInput[] = [];
  for (const fact of [close.firstClose, close.replyClose]) {
    if (!fact) continue;
    const evidence = [frameRef(fact.seq, `${fact.side} close frame`)];
    if (fact.code === null) {
      findings.push({
        id: 'close.code',
        severity: 'info',
        title: `${fact.side === 'client' ? 'Client' : 'Server'} closed without a status code`,
        detail: `The ${fact.side}’s close frame has an empty body; the other end reports 1005 (No Status Received).`,
        evidence,
        fix: 'Send a status code (1000 for a normal end) and, if useful, a reason.',
      });
      continue;
    }
    const info = describeCloseCode(fact.code);
    const reason = fact.reason ? ` with reason "${fact.reason}"` : '';
    if (info.onWire !== 'allowed') {
      findings.push({
        id: 'close.forbidden-code',
        severity: 'error',
        title: `${fact.side === 'client' ? 'Client' : 'Server'} sent close code ${fact.code}, which must never appear on the wire`,
        detail: `${fact.code} (${info.name}): ${info.meaning} RFC 6455 §7.4 forbids sending it in a close frame; a conforming peer fails the connection with 1002.`,
        evidence,
        fix: 'Send a code from 1000–1003, 1007–1014, 3000–4999 instead (1000 for a normal end, 4000–4999 for application reasons).',
      });
      continue;
    }
    findings.push({
      id: 'close.code',
      severity: WARNING_CODES.has(fact.code) ? 'warning' : 'info',
      title: `${fact.side === 'client' ? 'Client' : 'Server'} closed with ${fact.code} ${info.name}`,
      detail: `Close frame from the ${fact.side}: code ${fact.code}${reason}. ${info.meaning}${fact === close.firstClose ? closingAfter(close.silenceBefore) : ''}`,
      evidence,
      fix:
        CLOSE_FIXES[fact.code] ??
        (info.range === 'private' || info.range === 'registered'
          ? 'An application-defined code: look up its meaning in the application or library that sent it.'
          : 'See RFC 6455 §7.4.'),
    });
  }
  return findings;
};

/** A close frame that the other side never answered before TCP ended. */
export const closeNoReply: ConnectionRule = ({ close }) => {
  const first = close.firstClose;
  if (!first || close.replyClose || !close.firstTcpEnd || close.firstTcpEnd.t < first.t) return [];
  const end = close.firstTcpEnd;
  return [
    {
      id: 'close.no-reply',
      severity: 'warning',
      title: `The ${otherSide(first.side)} never answered the ${first.side}’s close frame`,
      detail: `The ${first.side} sent a close frame (code ${first.code ?? 'none'}); no close frame came back, and ${end.side} ${end.kind === 'rst' ? 'reset' : 'closed'} TCP ${formatMs(end.t - first.t)} later. The closing handshake (RFC 6455 §7.1.2) is incomplete.`,
      evidence: [frameRef(first.seq, 'unanswered close'), eventRef(end.index, `${end.side} ${end.kind}`)],
      fix: `Make the ${otherSide(first.side)} echo the close frame before closing TCP (most libraries do this automatically unless the socket is destroyed).`,
    },
  ];
};

export const closeRules: ConnectionRule[] = [
  closeAfterUpgrade,
  idleDrop,
  abnormalClosure,
  closeNoReply,
  closeCodes,
];
