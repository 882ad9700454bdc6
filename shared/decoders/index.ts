/** Decoders for the protocols that ride on WebSocket. Pure and environment-free; see docs/decoders.md. */
import { fromBase64 } from '../util/base64.js';
import type { MessageRecord } from '../model/frame.js';
import { decodeGraphqlTransportWs, decodeGraphqlWsLegacy } from './graphql.js';
import { decodeJsonRpc } from './json-rpc.js';
import { decodeMqtt } from './mqtt.js';
import { decodeSignalR } from './signalr.js';
import { decodeSocketIo } from './socket-io.js';
import { decodeStomp } from './stomp.js';
import type { Decoded, DecodeContext, Decoder, DecoderInput, ProtocolId } from './types.js';
import { undecodable } from './types.js';

export * from './types.js';
export { chooseDecoder, choiceKey, protocolOfSubprotocol, sniffMessage, SNIFF_MESSAGES } from './select.js';
export type { ChoiceBasis, ChoiceInput, DecoderChoice } from './select.js';
export { engineIoOpen } from './socket-io.js';
export { MqttStream, wholePacketsLength } from './mqtt.js';
export { stompHeartBeat } from './stomp.js';

export const DECODERS: Record<ProtocolId, Decoder> = {
  'socket.io': decodeSocketIo,
  'graphql-transport-ws': decodeGraphqlTransportWs,
  'graphql-ws': decodeGraphqlWsLegacy,
  stomp: decodeStomp,
  signalr: decodeSignalR,
  mqtt: decodeMqtt,
  'json-rpc': decodeJsonRpc,
};

/** Decodes one message with one protocol's decoder. Never throws: anything unexpected is `undecodable`. */
export function decodeWith(protocol: ProtocolId, input: DecoderInput, context: DecodeContext = {}): Decoded {
  try {
    return DECODERS[protocol](input, context);
  } catch (error) {
    return undecodable(protocol, `decoder error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

const EMPTY = new Uint8Array(0);

/** A message record as decoder input (its recorded, possibly capped, payload). */
export function decoderInput(message: MessageRecord): DecoderInput {
  return {
    dir: message.dir,
    opcode: message.opcode,
    bytes: fromBase64(message.data) ?? EMPTY,
    truncated: message.truncated,
  };
}
