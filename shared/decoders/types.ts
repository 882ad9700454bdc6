import type { Direction } from '../model/wire.js';
import { decodeUtf8 } from '../protocol/utf8.js';

/** The application protocols the inspector decodes; `none` turns decoding off for a connection. */
export const PROTOCOL_IDS = [
  'socket.io',
  'graphql-transport-ws',
  'graphql-ws',
  'stomp',
  'signalr',
  'mqtt',
  'json-rpc',
] as const;
export type ProtocolId = (typeof PROTOCOL_IDS)[number];
export type DecoderChoiceId = ProtocolId | 'none';

export const PROTOCOL_NAMES: Record<ProtocolId, string> = {
  'socket.io': 'Socket.IO / Engine.IO v4',
  'graphql-transport-ws': 'GraphQL over WebSocket (graphql-transport-ws)',
  'graphql-ws': 'GraphQL over WebSocket (legacy graphql-ws)',
  stomp: 'STOMP 1.2',
  signalr: 'SignalR JSON hub protocol',
  mqtt: 'MQTT over WebSocket',
  'json-rpc': 'JSON-RPC 2.0',
};

/** Short names, for a menu. */
export const PROTOCOL_SHORT_NAMES: Record<ProtocolId, string> = {
  'socket.io': 'Socket.IO',
  'graphql-transport-ws': 'GraphQL (graphql-transport-ws)',
  'graphql-ws': 'GraphQL (legacy graphql-ws)',
  stomp: 'STOMP',
  signalr: 'SignalR (JSON)',
  mqtt: 'MQTT',
  'json-rpc': 'JSON-RPC 2.0',
};

/** One data message as a decoder sees it: the recorded payload bytes (possibly capped, see `truncated`). */
export interface DecoderInput {
  dir: Direction;
  /** 1 text, 2 binary. */
  opcode: number;
  bytes: Uint8Array;
  /** The record holds only the first bytes of the payload. */
  truncated: boolean;
  /**
   * The bytes as text, when the caller has it already (as `decodeUtf8` makes it: invalid bytes as U+FFFD, a BOM
   * kept): a searcher decoding a million messages reads ASCII rows as slices of one string.
   */
  text?: string;
}

/** The payload as text: the caller's, or decoded from the bytes. */
export const inputText = (input: DecoderInput): string => input.text ?? decodeUtf8(input.bytes);

/**
 * How a message takes part in an exchange: a heartbeat (`ping`/`pong`, keyed by convention so a reply finds its
 * ping) or a request and its response, keyed by the id both carry.
 */
export interface Link {
  role: 'ping' | 'pong' | 'request' | 'response';
  key: string;
  /** Human label of the exchange, e.g. `Engine.IO ping/pong`, `ack 12`, `JSON-RPC id 7`. */
  label: string;
  /** A request that may wait for its first reply indefinitely (a GraphQL subscription waits for an event). */
  optionalReply?: boolean;
}

/** What the decoder found that the findings report. */
export interface ProtocolProblem {
  kind:
    | 'socketio-connect-error'
    | 'graphql-error'
    | 'graphql-connection-error'
    | 'stomp-error'
    | 'mqtt-connack-refused'
    | 'mqtt-disconnect'
    | 'signalr-close-error'
    | 'signalr-handshake-error'
    | 'jsonrpc-error';
  message: string;
}

/** A decoded message: a small structure with the fields the table shows, plus the whole decoded tree. */
export interface Decoded {
  protocol: ProtocolId;
  /** Packet or frame type, e.g. `EVENT`, `PUBLISH`, `next`, `Invocation`; `undecodable` when it could not be read. */
  kind: string;
  /** Why it could not be decoded (only with kind `undecodable`). */
  reason?: string;
  /** Event or method name (Socket.IO event, GraphQL operation, SignalR target, JSON-RPC method). */
  event?: string;
  /** Id that pairs it with another message (ack id, subscription id, invocation id, packet id). */
  id?: string;
  /** Topic or destination (MQTT topic, STOMP destination, Socket.IO namespace other than "/"). */
  topic?: string;
  /** The decoded structure, JSON-like, for the detail pane. */
  fields: Record<string, unknown>;
  links?: Link[];
  problem?: ProtocolProblem;
}

/** Connection-level state a decoder may need (MQTT property layouts differ by version). */
export interface DecodeContext {
  /** MQTT protocol level from the CONNECT packet: 4 (3.1.1) or 5. */
  mqttLevel?: number;
}

export type Decoder = (input: DecoderInput, context: DecodeContext) => Decoded;

export const undecodable = (protocol: ProtocolId, reason: string, truncated = false): Decoded => ({
  protocol,
  kind: 'undecodable',
  reason: truncated ? `${reason} (the record holds only the start of the payload)` : reason,
  fields: {},
});

/** Whether a character code may begin a JSON value: { [ " - a digit, or t f n (true, false, null). */
const beginsJson = (code: number): boolean =>
  code === 0x7b ||
  code === 0x5b ||
  code === 0x22 ||
  code === 0x2d ||
  (code >= 0x30 && code <= 0x39) ||
  code === 0x74 ||
  code === 0x66 ||
  code === 0x6e;

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  // Text that cannot begin a JSON value is told without JSON.parse, whose exception (every binary message a JSON
  // decoder is given throws one) took ~6 µs a message: most of a decoded filter's time on binary-heavy traffic.
  let at = 0;
  while (
    at < text.length &&
    (text[at] === ' ' || text[at] === '\t' || text[at] === '\n' || text[at] === '\r')
  )
    at++;
  if (at === text.length) return { ok: false, error: 'no JSON value, the text is empty or blank' };
  if (!beginsJson(text.charCodeAt(at)))
    return { ok: false, error: `${JSON.stringify(text[at])} cannot begin a JSON value` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const idText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
