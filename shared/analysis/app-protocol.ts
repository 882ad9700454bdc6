import { ConnectionDecoder } from '../decoders/stream.js';
import { chooseDecoder, decoderInput, engineIoOpen, SNIFF_MESSAGES } from '../decoders/index.js';
import type {
  Decoded,
  DecoderChoice,
  DecoderChoiceId,
  DecoderInput,
  ProtocolProblem,
} from '../decoders/index.js';
import type { MessageEvent } from '../model/events.js';
import type { Side } from '../model/wire.js';
import type { ConnectionFacts, Indexed } from './connection-facts.js';

/** One decoded message of a connection. `seq` is its first frame (what evidence refers to). */
export interface DecodedMessage {
  id: number;
  seq: number;
  t: number;
  side: Side;
  decoded: Decoded;
}

/** A heartbeat or a request with its reply (when one came). */
export interface Exchange {
  kind: 'heartbeat' | 'request';
  /** E.g. `Engine.IO ping/pong`, `ack 12`, `JSON-RPC id 7`. */
  label: string;
  side: Side;
  seq: number;
  t: number;
  replySeq?: number;
  replyT?: number;
  latencyMs?: number;
  /** May wait for its reply indefinitely (a GraphQL subscription); never counted as unanswered. */
  optionalReply?: boolean;
}

export interface ProtocolAnalysis {
  choice: DecoderChoice;
  messages: DecodedMessage[];
  heartbeats: Exchange[];
  requests: Exchange[];
  /** Requests with no reply: before the connection ended, or more than the grace period ago while it is open. */
  unansweredRequests: Exchange[];
  problems: { seq: number; t: number; side: Side; kind: string; problem: ProtocolProblem }[];
  undecodable: number;
  /** The Engine.IO open packet's heartbeat settings, when the server sent one. */
  engineIo?: { seq: number; t: number; pingInterval: number; pingTimeout: number };
}

export interface ProtocolOptions {
  /** The user's decoder choice for this connection. */
  override?: DecoderChoiceId;
  /** Session time now, for a connection still open. */
  now?: number;
  /** A request this recent on an open connection is pending, not unanswered. Default 5 s. */
  graceMs?: number;
}

const sideOf = (dir: 'c2s' | 's2c'): Side => (dir === 'c2s' ? 'client' : 'server');

function* firstInputs(messages: readonly Indexed<MessageEvent>[]): Generator<DecoderInput> {
  for (const m of messages.slice(0, SNIFF_MESSAGES)) yield decoderInput(m.message);
}

/** The decoder choice of a connection from its facts (subprotocol, URL, first messages, override). */
export function connectionDecoder(facts: ConnectionFacts, override?: DecoderChoiceId): DecoderChoice {
  const input: Parameters<typeof chooseDecoder>[0] = { messages: firstInputs(facts.messages) };
  const subprotocol = facts.open?.protocol;
  if (subprotocol) input.subprotocol = subprotocol;
  if (facts.connection?.url) input.url = facts.connection.url;
  if (override) input.override = override;
  return chooseDecoder(input);
}

/**
 * Decodes a connection's messages and pairs heartbeats (ping → the first later pong of the same key from the other
 * side) and requests (request → the first later response with the same key from the other side). Undefined when no
 * decoder applies. Decodes are memoised per record, so a live re-analysis costs little.
 */
export function analyzeProtocol(
  facts: ConnectionFacts,
  options: ProtocolOptions = {},
): ProtocolAnalysis | undefined {
  const choice = connectionDecoder(facts, options.override);
  if (choice.protocol === 'none') return undefined;
  const analysis: ProtocolAnalysis = {
    choice,
    messages: [],
    heartbeats: [],
    requests: [],
    unansweredRequests: [],
    problems: [],
    undecodable: 0,
  };
  const open = { ping: new Map<string, Exchange[]>(), request: new Map<string, Exchange[]>() };
  const queue = (map: Map<string, Exchange[]>, key: string): Exchange[] => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    return list;
  };
  const decoder = new ConnectionDecoder(choice);
  for (const { message, t } of facts.messages) {
    const decoded = decoder.decode(message);
    if (!decoded) continue;
    const side = sideOf(message.dir);
    const seq = message.frames[0] ?? -1;
    analysis.messages.push({ id: message.id, seq, t, side, decoded });
    if (decoded.kind === 'undecodable') analysis.undecodable++;
    if (decoded.problem)
      analysis.problems.push({ seq, t, side, kind: decoded.kind, problem: decoded.problem });
    const settings = engineIoOpen(decoded);
    if (settings && !analysis.engineIo) analysis.engineIo = { seq, t, ...settings };
    for (const link of decoded.links ?? []) {
      if (link.role === 'ping' || link.role === 'request') {
        const exchange: Exchange = {
          kind: link.role === 'ping' ? 'heartbeat' : 'request',
          label: link.label,
          side,
          seq,
          t,
        };
        if (link.optionalReply) exchange.optionalReply = true;
        (link.role === 'ping' ? analysis.heartbeats : analysis.requests).push(exchange);
        queue(link.role === 'ping' ? open.ping : open.request, `${side}\u0000${link.key}`).push(exchange);
        continue;
      }
      const asker: Side = side === 'client' ? 'server' : 'client';
      const waiting = (link.role === 'pong' ? open.ping : open.request).get(`${asker}\u0000${link.key}`);
      const exchange = waiting?.shift();
      if (!exchange) continue;
      exchange.replySeq = seq;
      exchange.replyT = t;
      exchange.latencyMs = t - exchange.t;
    }
  }
  const ended = facts.end !== undefined || facts.tcp.some((e) => e.kind !== 'connect');
  const now = options.now ?? facts.lastT;
  const grace = options.graceMs ?? 5_000;
  analysis.unansweredRequests = analysis.requests.filter(
    (r) => r.replySeq === undefined && !r.optionalReply && (ended || now - r.t > grace),
  );
  return analysis;
}
