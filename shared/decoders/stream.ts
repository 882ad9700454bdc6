import type { MessageRecord } from '../model/frame.js';
import { decodeRecord } from './cache.js';
import { decoderInput } from './index.js';
import { MqttStream } from './mqtt.js';
import type { DecoderChoice } from './select.js';
import type { Decoded, DecoderInput } from './types.js';

/**
 * Decodes one connection's messages in order. Most protocols put one unit in each message and are decoded message by
 * message (memoised per record); MQTT's byte stream is reassembled across messages, so its messages must be fed in
 * order (each is decoded once; asking again returns the same result).
 */
export class ConnectionDecoder {
  private readonly mqtt: MqttStream | undefined;
  private readonly results = new WeakMap<MessageRecord, Decoded>();

  constructor(readonly choice: DecoderChoice) {
    if (choice.protocol === 'mqtt') this.mqtt = new MqttStream(choice.context);
  }

  /** Whether `decode` needs every earlier message of the connection first. */
  get ordered(): boolean {
    return this.mqtt !== undefined;
  }

  /** Whether this message was decoded already (ordered decoders). */
  has(message: MessageRecord): boolean {
    return this.results.has(message);
  }

  decode(message: MessageRecord): Decoded | undefined {
    if (!this.mqtt) return decodeRecord(message, this.choice);
    let decoded = this.results.get(message);
    if (!decoded) {
      decoded = pushMqtt(this.mqtt, decoderInput(message));
      this.results.set(message, decoded);
    }
    return decoded;
  }
}

/** The next message of an MQTT stream decoded; a decoder failure is an undecodable message, never a throw. */
export function pushMqtt(stream: MqttStream, input: DecoderInput): Decoded {
  try {
    return stream.push(input);
  } catch (error) {
    return {
      protocol: 'mqtt',
      kind: 'undecodable',
      reason: `decoder error: ${error instanceof Error ? error.message : String(error)}`,
      fields: {},
    };
  }
}
