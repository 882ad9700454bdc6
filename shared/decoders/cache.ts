import type { MessageRecord } from '../model/frame.js';
import { decoderInput, decodeWith } from './index.js';
import type { DecoderChoice } from './select.js';
import type { Decoded } from './types.js';

interface Entry {
  protocol: string;
  level: number | undefined;
  decoded: Decoded;
}

// Records are immutable once made and shared by every view of the log: each is decoded once per decoder choice.
const cache = new WeakMap<MessageRecord, Entry>();

/** The message decoded with the connection's decoder; memoised per record. Undefined when decoding is off. */
export function decodeRecord(message: MessageRecord, choice: DecoderChoice): Decoded | undefined {
  if (choice.protocol === 'none') return undefined;
  const level = choice.context.mqttLevel;
  const hit = cache.get(message);
  if (hit && hit.protocol === choice.protocol && hit.level === level) return hit.decoded;
  const decoded = decodeWith(choice.protocol, decoderInput(message), choice.context);
  cache.set(message, { protocol: choice.protocol, level, decoded });
  return decoded;
}
