import { decodeRecord } from '../../../shared/decoders/cache.js';
import { ConnectionDecoder } from '../../../shared/decoders/stream.js';
import { chooseDecoder, choiceKey, decoderInput, SNIFF_MESSAGES } from '../../../shared/decoders/index.js';
import type {
  Decoded,
  DecoderChoice,
  DecoderChoiceId,
  DecoderInput,
} from '../../../shared/decoders/index.js';
import type { MessageRecord } from '../../../shared/model/frame.js';
import type { ConnectionView } from './connection-view.js';
import type { ConnectionLog } from './hot-log.js';

interface Cached {
  override: DecoderChoiceId | undefined;
  protocol: string | undefined;
  messages: number;
  choice: DecoderChoice;
}

const cache = new WeakMap<ConnectionLog, Cached>();

function* firstMessages(log: ConnectionLog): Generator<DecoderInput> {
  let n = 0;
  for (const event of log.events.range()) {
    if (event.type !== 'message') continue;
    if (n++ >= SNIFF_MESSAGES) return;
    yield decoderInput(event.message);
  }
}

/** Whether a later message could still change the choice: nothing recognised yet, or MQTT before its CONNECT. */
const settled = (choice: DecoderChoice): boolean =>
  choice.by === 'override' ||
  (choice.protocol !== 'none' && (choice.protocol !== 'mqtt' || choice.context.mqttLevel !== undefined));

/**
 * The decoder of a connection, memoised per log. Re-chosen only while it could still change (and only over the first
 * SNIFF_MESSAGES messages), so a long live connection costs nothing per flush.
 */
export function decoderChoiceOf(
  log: ConnectionLog,
  view: Pick<ConnectionView, 'protocol' | 'url' | 'messages'>,
  override: DecoderChoiceId | undefined,
): DecoderChoice {
  const messages = view.messages.c2s + view.messages.s2c;
  const hit = cache.get(log);
  if (
    hit &&
    hit.override === override &&
    hit.protocol === view.protocol &&
    (settled(hit.choice) || hit.messages === messages || hit.messages >= SNIFF_MESSAGES)
  )
    return hit.choice;
  const input: Parameters<typeof chooseDecoder>[0] = { messages: firstMessages(log) };
  if (view.protocol) input.subprotocol = view.protocol;
  if (view.url) input.url = view.url;
  if (override) input.override = override;
  const choice = chooseDecoder(input);
  cache.set(log, { override, protocol: view.protocol, messages, choice });
  return choice;
}

interface Stream {
  key: string;
  decoder: ConnectionDecoder;
  /** Events of the log fed to the decoder so far. */
  processed: number;
  /** Results by message id: the log rebuilds records on demand, so a record's identity does not last. */
  byId: Map<number, Decoded | undefined>;
}

const streams = new WeakMap<ConnectionLog, Stream>();

/**
 * A message decoded with the connection's decoder, or undefined when decoding is off. Memoised per record; for MQTT
 * (a byte stream reassembled across messages) the log's messages are fed in order up to the newest once, then kept.
 */
export function decodedMessage(
  log: ConnectionLog,
  message: MessageRecord,
  choice: DecoderChoice,
): Decoded | undefined {
  if (choice.protocol !== 'mqtt') return decodeRecord(message, choice);
  const key = choiceKey(choice);
  let stream = streams.get(log);
  if (!stream || stream.key !== key) {
    stream = { key, decoder: new ConnectionDecoder(choice), processed: 0, byId: new Map() };
    streams.set(log, stream);
  }
  if (!stream.byId.has(message.id)) {
    const total = log.events.length;
    for (const event of log.events.range(stream.processed, total))
      if (event.type === 'message' && !stream.byId.has(event.message.id))
        stream.byId.set(event.message.id, stream.decoder.decode(event.message));
    stream.processed = total;
  }
  return stream.byId.get(message.id);
}
