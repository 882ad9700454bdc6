import { formatMs, plural } from '../format.js';
import { openedT } from '../connection-facts.js';
import type { ConnectionRule, FindingInput } from './context.js';
import { eventRef, frameRef } from './context.js';
import type { Side } from '../../model/wire.js';

/** Silences longer than the threshold while the connection was open (the final one only while still open). */
export const heartbeatGap: ConnectionRule = ({ facts, heartbeat, close }) => {
  if (openedT(facts) === undefined) return [];
  const ended = close.kind !== 'open';
  const over = heartbeat.gapsOverThreshold.filter((g) => !(g.final && ended));
  const largest = over.reduce<(typeof over)[number] | undefined>(
    (best, g) => (!best || g.durationMs > best.durationMs ? g : best),
    undefined,
  );
  if (!largest) return [];
  const between =
    largest.afterSeq !== undefined
      ? `after frame #${largest.afterSeq}${largest.beforeSeq !== undefined ? ` until frame #${largest.beforeSeq}` : ' until now'}`
      : `from the upgrade${largest.beforeSeq !== undefined ? ` until frame #${largest.beforeSeq}` : ''}`;
  const pings = heartbeat.pings.length;
  const app = heartbeat.app;
  const appClause = app
    ? ` ${plural(app.pings.length, 'application-level heartbeat')} (${app.convention}) seen${app.intervalMs !== undefined ? `, every ${formatMs(app.intervalMs)} (median)` : ''}.`
    : '';
  return [
    {
      id: 'heartbeat.gap',
      severity: 'warning',
      title: `Silent for ${formatMs(largest.durationMs)} (threshold ${formatMs(heartbeat.thresholdMs)})`,
      detail:
        `Largest silence: ${formatMs(largest.durationMs)} with no frame in either direction (${between}); ` +
        `${plural(over.length, 'gap')} exceeded ${formatMs(heartbeat.thresholdMs)}. ` +
        (pings > 0
          ? `${plural(pings, 'ping')} seen${heartbeat.intervalMs !== undefined ? `, every ${formatMs(heartbeat.intervalMs)} (median)` : ''}.`
          : app
            ? 'No protocol pings were sent.'
            : 'No pings were sent.') +
        appClause +
        ' Idle timeouts on the path (nginx and AWS ALB 60 s, Heroku 55 s, Cloudflare ~100 s) close connections that stay silent that long.',
      evidence: [
        ...(largest.afterSeq !== undefined ? [frameRef(largest.afterSeq, 'before the gap')] : []),
        ...(largest.beforeSeq !== undefined ? [frameRef(largest.beforeSeq, 'after the gap')] : []),
      ],
      fix: `Send a heartbeat more often than every ${formatMs(heartbeat.thresholdMs)} (under half the smallest idle timeout on the path).`,
    },
  ];
};

/** One finding per side whose pings went unanswered: each side's count against that side's own pings. */
export const unansweredPings: ConnectionRule = ({ heartbeat, close }) => {
  const dropped = close.kind !== 'close-frame' && close.kind !== 'open';
  const sides: Side[] = ['client', 'server'];
  return sides.flatMap((side): FindingInput[] => {
    const missing = heartbeat.unanswered.filter((p) => p.side === side);
    const first = missing[0];
    if (!first) return [];
    const total = heartbeat.pings.filter((p) => p.side === side).length;
    const peer = side === 'client' ? 'server' : 'client';
    return [
      {
        id: 'heartbeat.unanswered-ping',
        severity: 'warning',
        title: `${plural(missing.length, `${side} ping`)} without a pong`,
        detail:
          `${missing.length} of ${plural(total, 'ping')} sent by the ${side} got no pong from the ${peer} ` +
          `(first unanswered: frame #${first.seq}).` +
          (dropped
            ? ' The connection then ended without a close frame: the peer or the path was likely gone.'
            : '') +
          ' RFC 6455 §5.5.2 requires a pong in response to each ping "as soon as practical".',
        evidence: missing.slice(0, 5).map((p) => frameRef(p.seq, 'ping without pong')),
        fix: `Check that the ${peer}’s library answers pings (browsers do automatically) and that no proxy filters control frames; treat missing pongs as a dead connection and reconnect.`,
      },
    ];
  });
};

/** The client's own pong timeout expired: it gave up on the server (or, in report mode, only noted it). */
export const pongTimeout: ConnectionRule = ({ facts }) => {
  const first = facts.pongTimeouts[0];
  if (!first) return [];
  const dropped = (facts.connection?.options?.pongTimeoutAction ?? 'close') === 'close';
  const timeoutMs = facts.connection?.options?.pongTimeoutMs;
  return [
    {
      id: 'heartbeat.pong-timeout',
      severity: 'warning',
      title: dropped
        ? `The client dropped the connection: no pong within its pong timeout${timeoutMs !== undefined ? ` (${formatMs(timeoutMs)})` : ''}`
        : `${plural(facts.pongTimeouts.length, 'ping')} of the client exceeded its pong timeout${timeoutMs !== undefined ? ` (${formatMs(timeoutMs)})` : ''}`,
      detail:
        `${first.detail ?? 'A ping went unanswered past the pong timeout'}.` +
        (dropped
          ? ' The end of this connection is the client’s heartbeat logic at work (as ws’s heartbeat example and OkHttp do), not the server closing.'
          : ' The connection was kept open (report mode).'),
      evidence: facts.pongTimeouts.slice(0, 5).map((e) => eventRef(e.index, 'pong timeout')),
      fix: 'Find out why the server does not answer pings: a library that does not answer them, a proxy that filters control frames, or a blocked event loop; or raise the pong timeout above the slowest answer seen.',
    },
  ];
};

/** Pings answered later than `limitMs`, and the slowest of them. */
function slowAnswers<P extends { rttMs?: number }>(pings: P[], limitMs: number): { slow: P[]; worst?: P } {
  const slow = pings.filter((p) => p.rttMs !== undefined && p.rttMs > limitMs);
  const worst = slow.reduce<P | undefined>(
    (best, p) => (!best || (p.rttMs ?? 0) > (best.rttMs ?? 0) ? p : best),
    undefined,
  );
  return worst ? { slow, worst } : { slow };
}

export const slowPongs: ConnectionRule = ({ heartbeat, options }) => {
  const { slow, worst } = slowAnswers(heartbeat.pings, options.slowPongMs);
  if (!worst || !heartbeat.rtt) return [];
  return [
    {
      id: 'heartbeat.slow-pong',
      severity: 'warning',
      title: `Pong latency up to ${formatMs(worst.rttMs ?? 0)}`,
      detail:
        `${plural(slow.length, 'pong')} took longer than ${formatMs(options.slowPongMs)}; ping→pong round trip min ${formatMs(heartbeat.rtt.minMs)}, ` +
        `median ${formatMs(heartbeat.rtt.medianMs)}, max ${formatMs(heartbeat.rtt.maxMs)} (ping #${worst.seq}, pong #${worst.pongSeq ?? '?'}).`,
      evidence: [
        frameRef(worst.seq, 'ping'),
        ...(worst.pongSeq !== undefined ? [frameRef(worst.pongSeq, 'pong')] : []),
      ],
      fix: 'A slow pong means a busy event loop or a congested path on the answering side (pongs queue behind large messages); check its CPU and send queue.',
    },
  ];
};

export const heartbeatDrift: ConnectionRule = ({ heartbeat }) => {
  const interval = heartbeat.intervalMs;
  const drift = heartbeat.maxDriftMs;
  if (interval === undefined || drift === undefined || heartbeat.pings.length < 3) return [];
  if (drift <= Math.max(1_000, interval * 0.25)) return [];
  const findings: FindingInput[] = [
    {
      id: 'heartbeat.drift',
      severity: 'info',
      title: `Heartbeat interval drifts by up to ${formatMs(drift)}`,
      detail:
        `Pings come every ${formatMs(interval)} (median) but one interval differed from that by ${formatMs(drift)}. ` +
        'Timers in hidden browser tabs are throttled (Chrome: at most once a minute after 5 minutes hidden), and a busy event loop delays them.',
      evidence: heartbeat.pings.slice(0, 2).map((p) => frameRef(p.seq, 'ping')),
      fix: 'Send heartbeats from the server (protocol pings are answered by browsers without page script), or keep the client interval well under half the idle timeout so throttling cannot stretch it past the timeout.',
    },
  ];
  return findings;
};

/** Application-level pings (a side that usually gets replies) that got none. */
export const unansweredAppPings: ConnectionRule = ({ heartbeat, close }) => {
  const app = heartbeat.app;
  const first = app?.unanswered[0];
  if (!app || !first) return [];
  const side = first.side;
  const peer = side === 'client' ? 'server' : 'client';
  const total = app.pings.filter((p) => p.side === side).length;
  const dropped = close.kind !== 'close-frame' && close.kind !== 'open';
  return [
    {
      id: 'heartbeat.app-unanswered',
      severity: 'warning',
      title: `${plural(app.unanswered.length, 'application-level ping')} without a reply`,
      detail:
        `${app.unanswered.length} of ${total} heartbeats (${first.convention}) sent by the ${side} got no reply from the ${peer}, which answered the others` +
        ` (first unanswered: frame #${first.seq}).` +
        (dropped
          ? ' The connection then ended without a close frame: the peer or the path was likely gone.'
          : ''),
      evidence: app.unanswered.slice(0, 5).map((p) => frameRef(p.seq, 'heartbeat without reply')),
      fix: `Treat a missing heartbeat reply as a dead connection (close and reconnect with backoff); check the ${peer}’s event loop and any intermediary that may buffer or drop small messages.`,
    },
  ];
};

/** Application-level heartbeat replies slower than the slow-pong threshold. */
export const slowAppReplies: ConnectionRule = ({ heartbeat, options }) => {
  const app = heartbeat.app;
  if (!app?.rtt) return [];
  const { slow, worst } = slowAnswers(app.pings, options.slowPongMs);
  if (!worst) return [];
  return [
    {
      id: 'heartbeat.app-slow-reply',
      severity: 'warning',
      title: `Heartbeat replies take up to ${formatMs(worst.rttMs ?? 0)}`,
      detail:
        `${plural(slow.length, 'application-level heartbeat')} (${app.convention}) took longer than ${formatMs(options.slowPongMs)} to be answered; ` +
        `round trip min ${formatMs(app.rtt.minMs)}, median ${formatMs(app.rtt.medianMs)}, max ${formatMs(app.rtt.maxMs)} (ping #${worst.seq}, reply #${worst.replySeq ?? '?'}).`,
      evidence: [
        frameRef(worst.seq, 'heartbeat'),
        ...(worst.replySeq !== undefined ? [frameRef(worst.replySeq, 'reply')] : []),
      ],
      fix: 'Application heartbeats queue behind other messages and the page’s or server’s event loop: a slow reply means a busy peer or a congested send queue on the answering side.',
    },
  ];
};

export const heartbeatRules: ConnectionRule[] = [
  heartbeatGap,
  unansweredPings,
  pongTimeout,
  slowPongs,
  heartbeatDrift,
  unansweredAppPings,
  slowAppReplies,
];
