import { PROTOCOL_NAMES } from '../../decoders/types.js';
import type { ProtocolProblem } from '../../decoders/types.js';
import type { ProtocolAnalysis } from '../app-protocol.js';
import { formatMs, plural } from '../format.js';
import type { ConnectionContext, ConnectionRule, FindingInput } from './context.js';
import { frameRef } from './context.js';

type Problem = ProtocolAnalysis['problems'][number];

/** When the connection stopped carrying traffic: its first close frame or TCP end, else now / the last event. */
function endOf({ facts, options }: ConnectionContext): { t: number; ended: boolean } {
  const ends = [
    facts.closeFrames[0]?.t,
    ...facts.tcp.filter((e) => e.kind !== 'connect').map((e) => e.t),
    facts.end?.t,
  ];
  const t = ends.filter((x): x is number => x !== undefined).sort((a, b) => a - b)[0];
  return t !== undefined ? { t, ended: true } : { t: options.now ?? facts.lastT, ended: false };
}

const quoted = (problems: Problem[], max = 3): string =>
  problems
    .slice(0, max)
    .map((p) => `“${p.problem.message}” (frame #${p.seq})`)
    .join('; ') + (problems.length > max ? `; and ${problems.length - max} more` : '');

const evidence = (problems: Problem[], note: string) =>
  problems.slice(0, 5).map((p) => frameRef(p.seq, note));

const ofKind = (protocol: ProtocolAnalysis, ...kinds: ProtocolProblem['kind'][]): Problem[] =>
  protocol.problems.filter((p) => kinds.includes(p.problem.kind));

/**
 * Engine.IO v4: the server pings every `pingInterval`; the client closes when no ping came for
 * `pingInterval + pingTimeout`, the server when a pong takes longer than `pingTimeout`.
 */
export const engineIoPingTimeout: ConnectionRule = (ctx) => {
  const protocol = ctx.heartbeat.protocol;
  const open = protocol?.engineIo;
  if (!protocol || !open) return [];
  const limit = open.pingInterval + open.pingTimeout;
  const pings = protocol.heartbeats.filter((h) => h.side === 'server' && h.label === 'Engine.IO ping/pong');
  const settings = `pingInterval ${formatMs(open.pingInterval)} + pingTimeout ${formatMs(open.pingTimeout)} = ${formatMs(limit)}, from the server's open packet`;
  const end = endOf(ctx);
  // Client side: the longest wait for a ping (from the open packet, between pings, and until the end).
  let previous = { t: open.t, seq: open.seq };
  let worst: { waitMs: number; afterSeq: number; beforeSeq?: number } | undefined;
  for (const ping of pings) {
    const waitMs = ping.t - previous.t;
    if (waitMs > limit && (!worst || waitMs > worst.waitMs))
      worst = { waitMs, afterSeq: previous.seq, beforeSeq: ping.seq };
    previous = ping;
  }
  const finalWait = end.t - previous.t;
  if (finalWait > limit && (!worst || finalWait > worst.waitMs))
    worst = { waitMs: finalWait, afterSeq: previous.seq };
  // Server side: a pong later than pingTimeout, or none before the connection ended pingTimeout after the ping.
  const latePong = pings.find(
    (p) =>
      (p.latencyMs !== undefined && p.latencyMs > open.pingTimeout) ||
      (p.latencyMs === undefined && end.ended && end.t - p.t >= open.pingTimeout),
  );
  const findings: FindingInput[] = [];
  if (worst)
    findings.push({
      id: 'socketio.ping-timeout',
      severity: 'error',
      title: `No Engine.IO ping for ${formatMs(worst.waitMs)}: past the client's ping timeout`,
      detail:
        `The client waits at most ${settings}, for the server's next ping; ` +
        `after frame #${worst.afterSeq} it waited ${formatMs(worst.waitMs)}${worst.beforeSeq !== undefined ? ` (until frame #${worst.beforeSeq})` : end.ended ? ' until the connection ended' : ' so far'}. ` +
        'A Socket.IO client closes with reason "ping timeout" and reconnects when that happens.',
      evidence: [
        frameRef(open.seq, 'open packet'),
        frameRef(worst.afterSeq, 'last traffic before the wait'),
        ...(worst.beforeSeq !== undefined ? [frameRef(worst.beforeSeq, 'late ping')] : []),
      ],
      fix: "The server's event loop or the path held its pings back: look for a blocked server, a proxy buffering small messages, or a throttled tab; keep pingInterval well under the path's idle timeout.",
    });
  if (latePong)
    findings.push({
      id: 'socketio.ping-timeout',
      severity: 'error',
      title:
        latePong.latencyMs === undefined
          ? `Engine.IO ping #${latePong.seq} unanswered: past the server's ping timeout`
          : `Engine.IO pong after ${formatMs(latePong.latencyMs)}: past the server's ping timeout`,
      detail:
        `The server waits pingTimeout ${formatMs(open.pingTimeout)} for the client's pong (${settings}); ` +
        (latePong.latencyMs === undefined
          ? `the ping in frame #${latePong.seq} got none before the connection ended. `
          : `the ping in frame #${latePong.seq} was answered after ${formatMs(latePong.latencyMs)} (frame #${latePong.replySeq ?? '?'}). `) +
        'The server then closes the connection with reason "ping timeout".',
      evidence: [
        frameRef(open.seq, 'open packet'),
        frameRef(latePong.seq, 'ping'),
        ...(latePong.replySeq !== undefined ? [frameRef(latePong.replySeq, 'late pong')] : []),
      ],
      fix: 'The client did not answer in time: a busy or suspended page (background tab, device sleep) or a congested uplink; raise pingTimeout on the server if clients are known to stall.',
    });
  return findings;
};

export const socketIoConnectError: ConnectionRule = ({ heartbeat }) => {
  const protocol = heartbeat.protocol;
  const errors = protocol ? ofKind(protocol, 'socketio-connect-error') : [];
  if (errors.length === 0) return [];
  return [
    {
      id: 'socketio.connect-error',
      severity: 'error',
      title: `Socket.IO refused the connection to a namespace: “${errors[0]!.problem.message}”`,
      detail: `The server answered CONNECT with CONNECT_ERROR: ${quoted(errors)}. The client's "connect_error" event fires with this message.`,
      evidence: evidence(errors, 'CONNECT_ERROR'),
      fix: 'A namespace middleware rejected the handshake (usually authentication): check the auth payload the client sends and the middleware’s next(new Error(...)) calls, or that the namespace exists.',
    },
  ];
};

export const graphqlInit: ConnectionRule = (ctx) => {
  const protocol = ctx.heartbeat.protocol;
  if (!protocol?.choice.protocol.startsWith('graphql')) return [];
  const limit = ctx.options.graphqlInitTimeoutMs;
  const end = endOf(ctx);
  const init = protocol.requests.find((r) => r.label === 'connection_init');
  if (!init) return [];
  const late = init.latencyMs !== undefined ? init.latencyMs > limit : end.t - init.t > limit;
  if (!late) return [];
  const refused = ofKind(protocol, 'graphql-connection-error').length > 0;
  if (refused && init.latencyMs !== undefined && init.latencyMs <= limit) return [];
  return [
    {
      id: 'graphql.init-unacknowledged',
      severity: 'error',
      title:
        init.latencyMs !== undefined
          ? `GraphQL connection_init acknowledged only after ${formatMs(init.latencyMs)}`
          : `GraphQL connection_init not acknowledged${end.ended ? '' : ' yet'} (${formatMs(end.t - init.t)})`,
      detail:
        `The client sent connection_init (frame #${init.seq}); ` +
        (init.latencyMs !== undefined
          ? `the server answered after ${formatMs(init.latencyMs)}, more than ${formatMs(limit)}.`
          : `no connection_ack came in ${formatMs(end.t - init.t)}${end.ended ? ' before the connection ended' : ''}.`) +
        ' graphql-ws servers close with 4408 "Connection initialisation timeout" when the client is slow; clients give up on a silent server the same way.',
      evidence: [
        frameRef(init.seq, 'connection_init'),
        ...(init.replySeq !== undefined ? [frameRef(init.replySeq, 'connection_ack')] : []),
      ],
      fix: 'The server’s onConnect handler (authentication, a database lookup) took too long or threw: make it answer quickly, or raise connectionInitWaitTimeout on the server / the client’s timeout.',
    },
  ];
};

export const graphqlErrors: ConnectionRule = ({ heartbeat }) => {
  const protocol = heartbeat.protocol;
  if (!protocol) return [];
  const refused = ofKind(protocol, 'graphql-connection-error');
  const errors = ofKind(protocol, 'graphql-error');
  const all = [...refused, ...errors].sort((a, b) => a.t - b.t);
  if (all.length === 0) return [];
  return [
    {
      id: 'graphql.error',
      severity: refused.length > 0 ? 'error' : 'warning',
      title:
        refused.length > 0
          ? `GraphQL connection refused: “${refused[0]!.problem.message}”`
          : `${plural(errors.length, 'GraphQL error message')}`,
      detail: `The server sent ${plural(all.length, 'error')}: ${quoted(all)}.`,
      evidence: evidence(all, 'error'),
      fix:
        refused.length > 0
          ? 'The server rejected connection_init (usually its authentication payload): check the connectionParams the client sends.'
          : 'Operation errors come from the schema or resolvers: validate the query against the schema and check the resolver named in the error’s path.',
    },
  ];
};

export const stompError: ConnectionRule = ({ heartbeat }) => {
  const errors = heartbeat.protocol ? ofKind(heartbeat.protocol, 'stomp-error') : [];
  if (errors.length === 0) return [];
  return [
    {
      id: 'stomp.error',
      severity: 'error',
      title: `STOMP ERROR frame: “${errors[0]!.problem.message}”`,
      detail: `The broker sent ${plural(errors.length, 'ERROR frame')}: ${quoted(errors)}. STOMP 1.2 requires the broker to close the connection right after an ERROR.`,
      evidence: evidence(errors, 'ERROR frame'),
      fix: 'The message header names the cause (bad credentials, unknown destination, malformed frame): fix the frame the broker quotes in the body; the client must reconnect.',
    },
  ];
};

export const mqttConnackRefused: ConnectionRule = ({ heartbeat }) => {
  const refused = heartbeat.protocol ? ofKind(heartbeat.protocol, 'mqtt-connack-refused') : [];
  if (refused.length === 0) return [];
  return [
    {
      id: 'mqtt.connack-refused',
      severity: 'error',
      title: `MQTT broker refused the connection: ${refused[0]!.problem.message}`,
      detail: `CONNACK with a non-zero code: ${quoted(refused)}. The broker closes the connection after it.`,
      evidence: evidence(refused, 'CONNACK'),
      fix: 'Check the credentials, client identifier and protocol version the CONNECT carries against the broker’s configuration and ACLs.',
    },
  ];
};

export const mqttDisconnect: ConnectionRule = ({ heartbeat }) => {
  const disconnects = heartbeat.protocol ? ofKind(heartbeat.protocol, 'mqtt-disconnect') : [];
  if (disconnects.length === 0) return [];
  return [
    {
      id: 'mqtt.disconnect-reason',
      severity: 'warning',
      title: `MQTT DISCONNECT with an error reason: ${disconnects[0]!.problem.message}`,
      detail: `An MQTT 5 DISCONNECT carried a reason code of 0x80 or more: ${quoted(disconnects)}.`,
      evidence: evidence(disconnects, 'DISCONNECT'),
      fix: 'The reason code names the cause: 0x8E session taken over (two clients share a client id), 0x8D keep-alive timeout (no packet within 1.5 × keep-alive), 0x97 quota or 0x93 receive maximum exceeded (publishing too fast).',
    },
  ];
};

export const signalRCloseError: ConnectionRule = ({ heartbeat }) => {
  const errors = heartbeat.protocol
    ? ofKind(heartbeat.protocol, 'signalr-close-error', 'signalr-handshake-error')
    : [];
  if (errors.length === 0) return [];
  return [
    {
      id: 'signalr.close-error',
      severity: 'error',
      title: `SignalR closed with an error: “${errors[0]!.problem.message}”`,
      detail: `The server sent ${errors[0]!.problem.kind === 'signalr-handshake-error' ? 'a handshake error' : 'a Close message with an error'}: ${quoted(errors)}.`,
      evidence: evidence(errors, 'close'),
      fix: 'Server-side exceptions are hidden unless EnableDetailedErrors is on; check the hub’s logs for the exception behind this message.',
    },
  ];
};

export const unansweredRequests: ConnectionRule = ({ heartbeat }) => {
  const protocol = heartbeat.protocol;
  const missing = protocol?.unansweredRequests ?? [];
  const first = missing[0];
  if (!protocol || !first) return [];
  return [
    {
      id: 'protocol.unanswered-request',
      severity: 'warning',
      title: `${plural(missing.length, `${PROTOCOL_NAMES[protocol.choice.protocol as keyof typeof PROTOCOL_NAMES]} request`)} without a response`,
      detail:
        `${missing.length} of ${protocol.requests.length} requests got no response (${missing
          .slice(0, 5)
          .map((r) => `${r.label}, frame #${r.seq}`)
          .join('; ')}). ` +
        'Requests are paired with responses by their id (acks, JSON-RPC ids, MQTT packet ids, STOMP receipts, SignalR invocation ids).',
      evidence: missing.slice(0, 5).map((r) => frameRef(r.seq, 'request without response')),
      fix: 'A handler that never answers or threw on the other side, or a connection that ended first: check the handler of the named request and add a timeout on the caller.',
    },
  ];
};

export const undecodableMessages: ConnectionRule = ({ heartbeat }) => {
  const protocol = heartbeat.protocol;
  if (!protocol || protocol.undecodable === 0) return [];
  const first = protocol.messages.find((m) => m.decoded.kind === 'undecodable');
  if (!first) return [];
  return [
    {
      id: 'protocol.undecodable',
      severity: 'info',
      title: `${plural(protocol.undecodable, 'message')} not decodable as ${protocol.choice.protocol}`,
      detail: `The decoder was chosen by ${protocol.choice.by} (${protocol.choice.evidence}). First: frame #${first.seq}: ${first.decoded.reason ?? ''}.`,
      evidence: [frameRef(first.seq, 'undecodable')],
      fix: 'If the connection speaks another protocol, choose its decoder in the message view (or turn decoding off); otherwise the peer sent a malformed message.',
    },
  ];
};

export const appProtocolRules: ConnectionRule[] = [
  socketIoConnectError,
  engineIoPingTimeout,
  graphqlInit,
  graphqlErrors,
  stompError,
  mqttConnackRefused,
  mqttDisconnect,
  signalRCloseError,
  unansweredRequests,
  undecodableMessages,
];
