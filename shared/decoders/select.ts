import { decodeUtf8 } from '../protocol/utf8.js';
import { decodeJsonRpc } from './json-rpc.js';
import { mqttConnectLevelIn } from './mqtt.js';
import { decodeSignalR, RECORD_SEPARATOR } from './signalr.js';
import { decodeSocketIo } from './socket-io.js';
import { STOMP_COMMANDS } from './stomp.js';
import type { DecodeContext, DecoderChoiceId, DecoderInput, ProtocolId } from './types.js';
import { isObject, parseJson } from './types.js';

/** How the decoder of a connection was chosen; the view states it. */
export type ChoiceBasis = 'subprotocol' | 'url' | 'content' | 'override' | 'none';

export interface DecoderChoice {
  protocol: DecoderChoiceId;
  by: ChoiceBasis;
  /** What it was chosen by, for the view: the subprotocol, the URL parameter or the message that matched. */
  evidence: string;
  context: DecodeContext;
}

/** What a message's decoding depends on, as a key: caches of decoded messages or rows keep one per key. */
export const choiceKey = (choice: DecoderChoice | undefined): string =>
  choice ? `${choice.protocol}:${choice.context.mqttLevel ?? ''}` : '';

/** Subprotocol tokens (Sec-WebSocket-Protocol of the 101) and the decoder each selects. WAMP is not decoded. */
const BY_SUBPROTOCOL: Record<string, ProtocolId> = {
  'graphql-transport-ws': 'graphql-transport-ws',
  'graphql-ws': 'graphql-ws',
  mqtt: 'mqtt',
  mqttv3: 'mqtt',
  'mqttv3.1': 'mqtt',
  'v10.stomp': 'stomp',
  'v11.stomp': 'stomp',
  'v12.stomp': 'stomp',
  stomp: 'stomp',
  jsonrpc: 'json-rpc',
  'json-rpc': 'json-rpc',
  'jsonrpc-2.0': 'json-rpc',
};

export function protocolOfSubprotocol(subprotocol: string | undefined): ProtocolId | undefined {
  return subprotocol ? BY_SUBPROTOCOL[subprotocol.trim().toLowerCase()] : undefined;
}

/** How many messages content sniffing looks at before giving up. */
export const SNIFF_MESSAGES = 64;

type Sniffed = { protocol: ProtocolId; sure: boolean } | undefined;

/** The protocol one message shows by its content. `sure: false` for GraphQL types both subprotocols share. */
export function sniffMessage(input: DecoderInput): Sniffed {
  const { bytes } = input;
  if (input.opcode === 2)
    return mqttConnectLevelIn([input], 1) !== undefined ? { protocol: 'mqtt', sure: true } : undefined;
  if (bytes.length === 0) return undefined;
  const text = decodeUtf8(bytes.subarray(0, 4096));
  if (text.endsWith(RECORD_SEPARATOR) && decodeSignalR(input, {}).kind !== 'undecodable')
    return { protocol: 'signalr', sure: true };
  if (/^0\{"sid"/.test(text) || /^4[0-6]/.test(text)) {
    if (decodeSocketIo(input, {}).kind !== 'undecodable') return { protocol: 'socket.io', sure: true };
  }
  const command = /^([A-Z]+)\r?\n/.exec(text)?.[1];
  if (command && STOMP_COMMANDS.has(command)) return { protocol: 'stomp', sure: true };
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  const parsed = parseJson(decodeUtf8(bytes));
  if (!parsed.ok) return undefined;
  const value = parsed.value;
  if (isObject(value) && typeof value.type === 'string') {
    const graphql = sniffGraphql(value.type, value.id);
    if (graphql) return graphql;
  }
  if (decodeJsonRpc(input, {}).kind !== 'undecodable') return { protocol: 'json-rpc', sure: true };
  return undefined;
}

/**
 * GraphQL by a message only the GraphQL protocols have: `{"type":"ping"}`, `error` or `complete` alone are common
 * in other JSON protocols and are not evidence. The init messages do not tell the two subprotocols apart.
 */
function sniffGraphql(type: string, id: unknown): Sniffed {
  if (type === 'connection_init' || type === 'connection_ack')
    return { protocol: 'graphql-transport-ws', sure: false };
  if (type === 'connection_error' || type === 'connection_terminate' || type === 'ka')
    return { protocol: 'graphql-ws', sure: true };
  if (typeof id !== 'string') return undefined;
  if (type === 'subscribe' || type === 'next') return { protocol: 'graphql-transport-ws', sure: true };
  if (type === 'start' || type === 'data' || type === 'stop') return { protocol: 'graphql-ws', sure: true };
  return undefined;
}

function* take<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}

export interface ChoiceInput {
  /** The negotiated subprotocol (the 101's Sec-WebSocket-Protocol). */
  subprotocol?: string;
  url?: string;
  /** The connection's first messages, in order (only the first SNIFF_MESSAGES are read). */
  messages: Iterable<DecoderInput>;
  override?: DecoderChoiceId;
}

/** The MQTT protocol level from the connection's CONNECT, for the decoder's context. */
function contextFor(protocol: DecoderChoiceId, messages: Iterable<DecoderInput>): DecodeContext {
  if (protocol !== 'mqtt') return {};
  const level = mqttConnectLevelIn(messages, SNIFF_MESSAGES);
  return level === undefined ? {} : { mqttLevel: level };
}

/**
 * The decoder for a connection: the user's override, else the negotiated subprotocol, else Socket.IO by its URL
 * (`EIO=4`), else the first message whose content is recognised. Pure; never throws.
 */
export function chooseDecoder(input: ChoiceInput): DecoderChoice {
  const { override, subprotocol, url } = input;
  if (override)
    return {
      protocol: override,
      by: 'override',
      evidence: override === 'none' ? 'decoding turned off' : 'chosen by the user',
      context: contextFor(override, input.messages),
    };
  const bySub = protocolOfSubprotocol(subprotocol);
  if (bySub)
    return {
      protocol: bySub,
      by: 'subprotocol',
      evidence: `Sec-WebSocket-Protocol: ${subprotocol ?? ''}`,
      context: contextFor(bySub, input.messages),
    };
  if (url && /[?&]EIO=4(&|$)/.test(url))
    return { protocol: 'socket.io', by: 'url', evidence: 'EIO=4 in the URL', context: {} };
  const messages = [...take(input.messages, SNIFF_MESSAGES)];
  const mqttLevel = mqttConnectLevelIn(messages, SNIFF_MESSAGES);
  if (mqttLevel !== undefined)
    return {
      protocol: 'mqtt',
      by: 'content',
      evidence: 'the client’s first bytes are an MQTT CONNECT',
      context: { mqttLevel },
    };
  let unsure: { protocol: ProtocolId; index: number } | undefined;
  let index = 0;
  for (const message of messages) {
    const sniffed = sniffMessage(message);
    if (sniffed?.sure)
      return {
        protocol: sniffed.protocol,
        by: 'content',
        evidence: `message ${index + 1} looks like ${sniffed.protocol}`,
        context: contextFor(sniffed.protocol, messages),
      };
    if (sniffed && !unsure) unsure = { protocol: sniffed.protocol, index };
    index++;
  }
  if (unsure)
    return {
      protocol: unsure.protocol,
      by: 'content',
      evidence: `message ${unsure.index + 1} looks like ${unsure.protocol}`,
      context: {},
    };
  return {
    protocol: 'none',
    by: 'none',
    evidence: subprotocol
      ? `subprotocol "${subprotocol}" has no decoder and no message was recognised`
      : 'no message was recognised',
    context: {},
  };
}
