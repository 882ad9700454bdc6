import { decodeUtf8 } from '../protocol/utf8.js';
import { toHex } from '../util/hex.js';
import { PROPERTIES, reasonName } from './mqtt-codes.js';
import type { Decoded, DecodeContext, Decoder, DecoderInput, Link } from './types.js';
import { undecodable } from './types.js';

export const MQTT_TYPES = [
  'reserved',
  'CONNECT',
  'CONNACK',
  'PUBLISH',
  'PUBACK',
  'PUBREC',
  'PUBREL',
  'PUBCOMP',
  'SUBSCRIBE',
  'SUBACK',
  'UNSUBSCRIBE',
  'UNSUBACK',
  'PINGREQ',
  'PINGRESP',
  'DISCONNECT',
  'AUTH',
] as const;

const PAYLOAD_PREVIEW_BYTES = 1024;

class Malformed extends Error {}

/** Bounds-checked reader over one packet's bytes; a read past the end is a malformed packet. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
    private readonly end: number,
  ) {}
  get left(): number {
    return this.end - this.at;
  }
  private need(n: number, what: string): void {
    if (this.at + n > this.end) throw new Malformed(`packet ends inside the ${what}`);
  }
  byte(what: string): number {
    this.need(1, what);
    return this.bytes[this.at++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = (this.bytes[this.at]! << 8) | this.bytes[this.at + 1]!;
    this.at += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v =
      this.bytes[this.at]! * 0x1000000 +
      ((this.bytes[this.at + 1]! << 16) | (this.bytes[this.at + 2]! << 8) | this.bytes[this.at + 3]!);
    this.at += 4;
    return v;
  }
  varint(what: string): number {
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.byte(what);
      value += (b & 0x7f) * 128 ** i;
      if ((b & 0x80) === 0) return value;
    }
    throw new Malformed(`${what}: variable byte integer longer than 4 bytes`);
  }
  take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  binary(what: string): Uint8Array {
    return this.take(this.u16(what), what);
  }
  string(what: string): string {
    return decodeUtf8(this.binary(what));
  }
  rest(): Uint8Array {
    return this.take(this.left, 'payload');
  }
}

function readProperties(r: Reader): Record<string, unknown> {
  const length = r.varint('property length');
  const end = r.at + length;
  if (end > r.at + r.left) throw new Malformed('properties run past the end of the packet');
  const props: Record<string, unknown> = {};
  while (r.at < end) {
    const id = r.varint('property identifier');
    const spec = PROPERTIES[id];
    if (!spec) throw new Malformed(`unknown property identifier 0x${id.toString(16)}`);
    const [name, type] = spec;
    let value: unknown;
    if (type === 'byte') value = r.byte(name);
    else if (type === 'u16') value = r.u16(name);
    else if (type === 'u32') value = r.u32(name);
    else if (type === 'varint') value = r.varint(name);
    else if (type === 'string') value = r.string(name);
    else if (type === 'binary') value = toHex(r.binary(name));
    else value = [r.string(name), r.string(name)];
    if (type === 'pair' || name === 'subscriptionIdentifier') {
      const list = (props[name] as unknown[] | undefined) ?? [];
      list.push(value);
      props[name] = list;
    } else props[name] = value;
  }
  if (r.at !== end) throw new Malformed('a property runs past the property length');
  return props;
}

function payloadField(bytes: Uint8Array): string {
  const shown = bytes.subarray(0, PAYLOAD_PREVIEW_BYTES);
  const text = decodeUtf8(shown, { fatal: true });
  const body = text ?? `hex ${toHex(shown)}`;
  return bytes.length > shown.length ? `${body}… (${bytes.length} bytes)` : body;
}

interface Packet {
  decoded: Decoded;
  level?: number;
}

/** One MQTT control packet from `r` (positioned at its first byte). */
function readPacket(
  bytes: Uint8Array,
  start: number,
  context: DecodeContext,
  dir: 'c2s' | 's2c',
): [Packet, number] {
  const head = new Reader(bytes, start, bytes.length);
  const first = head.byte('fixed header');
  const typeNumber = first >> 4;
  const type = MQTT_TYPES[typeNumber]!;
  if (typeNumber === 0) throw new Malformed('packet type 0 is reserved');
  const flags = first & 0x0f;
  const remaining = head.varint('remaining length');
  const end = head.at + remaining;
  if (end > bytes.length)
    throw new Malformed(
      `remaining length ${remaining} runs past the message (${bytes.length - head.at} bytes)`,
    );
  const r = new Reader(bytes, head.at, end);
  let level = context.mqttLevel ?? 4;
  const fields: Record<string, unknown> = { type };
  const decoded: Decoded = { protocol: 'mqtt', kind: type, fields };
  const links: Link[] = [];
  const v5 = () => level >= 5;
  const packetId = (): number => {
    const id = r.u16('packet identifier');
    fields.packetId = id;
    decoded.id = String(id);
    return id;
  };
  switch (type) {
    case 'CONNECT': {
      const protocolName = r.string('protocol name');
      if (protocolName !== 'MQTT' && protocolName !== 'MQIsdp')
        throw new Malformed(`protocol name "${protocolName}" is not MQTT`);
      level = r.byte('protocol level');
      const connectFlags = r.byte('connect flags');
      fields.protocolName = protocolName;
      fields.protocolLevel = level;
      fields.version = level === 5 ? '5' : level === 4 ? '3.1.1' : level === 3 ? '3.1' : `unknown (${level})`;
      fields.cleanStart = (connectFlags & 0x02) !== 0;
      fields.keepAlive = r.u16('keep alive');
      if (v5()) fields.properties = readProperties(r);
      fields.clientId = r.string('client identifier');
      if (connectFlags & 0x04) {
        if (v5()) fields.willProperties = readProperties(r);
        fields.willTopic = r.string('will topic');
        fields.willPayload = payloadField(r.binary('will payload'));
        fields.willQos = (connectFlags >> 3) & 3;
        fields.willRetain = (connectFlags & 0x20) !== 0;
      }
      if (connectFlags & 0x80) fields.username = r.string('user name');
      if (connectFlags & 0x40) {
        r.binary('password');
        fields.password = '(present, not shown)';
      }
      links.push({ role: 'request', key: 'connect', label: 'CONNECT' });
      break;
    }
    case 'CONNACK': {
      // Without a CONNECT seen, the length tells: 3.1.1 CONNACK is exactly two bytes.
      if (context.mqttLevel === undefined && remaining > 2) level = 5;
      fields.sessionPresent = (r.byte('acknowledge flags') & 1) === 1;
      const code = r.byte(v5() ? 'reason code' : 'return code');
      fields.reasonCode = code;
      fields.reason = reasonName(code, level, type);
      if (v5()) fields.properties = readProperties(r);
      if (code !== 0) {
        const props = fields.properties as Record<string, unknown> | undefined;
        const why = typeof props?.reasonString === 'string' ? ` (${props.reasonString})` : '';
        decoded.problem = { kind: 'mqtt-connack-refused', message: `${String(fields.reason)}${why}` };
      }
      links.push({ role: 'response', key: 'connect', label: 'CONNECT' });
      break;
    }
    case 'PUBLISH': {
      const qos = (flags >> 1) & 3;
      if (qos === 3) throw new Malformed('PUBLISH with QoS 3');
      fields.qos = qos;
      fields.dup = (flags & 8) !== 0;
      fields.retain = (flags & 1) !== 0;
      const topic = r.string('topic name');
      fields.topic = topic;
      decoded.topic = topic;
      if (qos > 0) {
        const id = packetId();
        links.push({ role: 'request', key: `pub:${id}`, label: `PUBLISH ${id}` });
      }
      if (v5()) fields.properties = readProperties(r);
      const payload = r.rest();
      fields.payloadBytes = payload.length;
      fields.payload = payloadField(payload);
      break;
    }
    case 'PUBACK':
    case 'PUBREC':
    case 'PUBREL':
    case 'PUBCOMP': {
      const id = packetId();
      if (r.left > 0) {
        const code = r.byte('reason code');
        fields.reasonCode = code;
        fields.reason = reasonName(code, 5, type);
        if (r.left > 0) fields.properties = readProperties(r);
      }
      if (type === 'PUBACK' || type === 'PUBREC')
        links.push({ role: 'response', key: `pub:${id}`, label: `PUBLISH ${id}` });
      if (type === 'PUBREL') links.push({ role: 'request', key: `rel:${id}`, label: `PUBREL ${id}` });
      if (type === 'PUBCOMP') links.push({ role: 'response', key: `rel:${id}`, label: `PUBREL ${id}` });
      break;
    }
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE': {
      const id = packetId();
      if (v5()) fields.properties = readProperties(r);
      const filters: unknown[] = [];
      while (r.left > 0) {
        const filter = r.string('topic filter');
        filters.push(type === 'SUBSCRIBE' ? { filter, qos: r.byte('subscription options') & 3 } : filter);
      }
      if (filters.length === 0) throw new Malformed(`${type} without a topic filter`);
      fields.filters = filters;
      const firstFilter = filters[0];
      decoded.topic =
        typeof firstFilter === 'string' ? firstFilter : (firstFilter as { filter: string }).filter;
      const key = type === 'SUBSCRIBE' ? `sub:${id}` : `unsub:${id}`;
      links.push({ role: 'request', key, label: `${type} ${id}` });
      break;
    }
    case 'SUBACK':
    case 'UNSUBACK': {
      const id = packetId();
      if (v5()) fields.properties = readProperties(r);
      const codes: string[] = [];
      while (r.left > 0) codes.push(reasonName(r.byte('reason code'), level, type));
      fields.reasons = codes;
      const key = type === 'SUBACK' ? `sub:${id}` : `unsub:${id}`;
      links.push({
        role: 'response',
        key,
        label: `${type === 'SUBACK' ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} ${id}`,
      });
      break;
    }
    case 'PINGREQ':
    case 'PINGRESP':
      links.push({ role: type === 'PINGREQ' ? 'ping' : 'pong', key: 'ping', label: 'MQTT PINGREQ/PINGRESP' });
      break;
    case 'DISCONNECT':
    case 'AUTH': {
      if (r.left > 0) {
        const code = r.byte('reason code');
        fields.reasonCode = code;
        fields.reason = reasonName(code, 5, type);
        if (r.left > 0) fields.properties = readProperties(r);
        if (type === 'DISCONNECT' && code >= 0x80) {
          const props = fields.properties as Record<string, unknown> | undefined;
          const why = typeof props?.reasonString === 'string' ? ` (${props.reasonString})` : '';
          decoded.problem = {
            kind: 'mqtt-disconnect',
            message: `${dir === 's2c' ? 'server' : 'client'} sent ${String(fields.reason)}${why}`,
          };
        }
      } else if (type === 'DISCONNECT' && v5()) {
        fields.reasonCode = 0;
        fields.reason = reasonName(0, 5, type);
      }
      break;
    }
    default:
      break;
  }
  if (r.left > 0 && type !== 'PUBLISH')
    throw new Malformed(`${r.left} bytes left over at the end of ${type}`);
  if (links.length > 0) decoded.links = links;
  return [{ decoded, level: type === 'CONNECT' ? level : undefined }, end];
}

/**
 * MQTT 3.1.1 / 5 control packets in a binary WebSocket message (MQTT over WebSocket: one or more whole packets per
 * message). The first packet names the row; all packets' links take part in pairing.
 */
export const decodeMqtt: Decoder = (input, context) => {
  const { bytes } = input;
  if (bytes.length === 0) return undecodable('mqtt', 'an empty message');
  const packets: Decoded[] = [];
  let at = 0;
  let level = context.mqttLevel;
  try {
    while (at < bytes.length) {
      const ctx: DecodeContext = level === undefined ? {} : { mqttLevel: level };
      const [packet, next] = readPacket(bytes, at, ctx, input.dir);
      if (packet.level !== undefined) level = packet.level;
      packets.push(packet.decoded);
      at = next;
    }
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    const truncated = input.truncated && packets.length === 0;
    if (packets.length === 0) return undecodable('mqtt', error.message, truncated);
    // Keep the whole packets already read; say what happened to the rest.
    packets[0]!.fields.rest = `undecodable: ${error.message}`;
  }
  const first = packets[0]!;
  if (packets.length === 1) return first;
  return {
    ...first,
    fields: { packets: packets.map((p) => p.fields) },
    links: packets.flatMap((p) => p.links ?? []),
    ...((first.problem ?? packets.find((p) => p.problem)?.problem)
      ? { problem: first.problem ?? packets.find((p) => p.problem)!.problem! }
      : {}),
  };
};

/** The protocol level of a CONNECT packet at the start of a message, if it is one. */
export function mqttConnectLevel(bytes: Uint8Array): number | undefined {
  if (bytes[0] !== 0x10) return undefined;
  const decoded = decodeMqtt({ dir: 'c2s', opcode: 2, bytes, truncated: false }, {});
  const fields = Array.isArray(decoded.fields.packets)
    ? (decoded.fields.packets[0] as Record<string, unknown>)
    : decoded.fields;
  const level = decoded.kind === 'CONNECT' ? fields.protocolLevel : undefined;
  return typeof level === 'number' ? level : undefined;
}

/**
 * Length of the whole MQTT packets at the start of `bytes` (by their fixed headers only), or an error when a fixed
 * header is malformed. MQTT over WebSocket does not align packets with messages (MQTT 5 §6.0): a client may send one
 * packet in several messages, or several packets in one.
 */
export function wholePacketsLength(bytes: Uint8Array): { length: number } | { error: string } {
  let at = 0;
  for (;;) {
    if (at >= bytes.length) return { length: at };
    let remaining = 0;
    let i = 1;
    for (; i <= 4; i++) {
      const b = bytes[at + i];
      if (b === undefined) return { length: at };
      remaining += (b & 0x7f) * 128 ** (i - 1);
      if ((b & 0x80) === 0) break;
    }
    if (i > 4) return { error: 'remaining length: variable byte integer longer than 4 bytes' };
    const end = at + 1 + i + remaining;
    if (end > bytes.length) return { length: at };
    at = end;
  }
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/**
 * Reassembles each direction's MQTT byte stream across WebSocket messages. A message that completes packets is
 * decoded as those packets; one that only carries part of a packet is a `partial` row. Feed messages in order.
 */
export class MqttStream {
  private readonly pending: Record<'c2s' | 's2c', Uint8Array> = {
    c2s: new Uint8Array(0),
    s2c: new Uint8Array(0),
  };
  private level: number | undefined;

  constructor(context: DecodeContext) {
    this.level = context.mqttLevel;
  }

  push(input: DecoderInput): Decoded {
    const { dir } = input;
    if (input.truncated) {
      // The record lacks the rest of the payload: the stream cannot be followed past it.
      this.pending[dir] = new Uint8Array(0);
      return decodeMqtt(input, this.context());
    }
    const bytes = concat(this.pending[dir], input.bytes);
    const whole = wholePacketsLength(bytes);
    if ('error' in whole) {
      this.pending[dir] = new Uint8Array(0);
      return undecodable('mqtt', whole.error);
    }
    this.pending[dir] = bytes.slice(whole.length);
    if (whole.length === 0)
      return {
        protocol: 'mqtt',
        kind: 'partial',
        fields: {
          bytes: input.bytes.length,
          buffered: bytes.length,
          note: 'part of a packet that continues in a later message',
        },
      };
    const decoded = decodeMqtt({ ...input, bytes: bytes.subarray(0, whole.length) }, this.context());
    if (decoded.kind === 'CONNECT' && typeof decoded.fields.protocolLevel === 'number')
      this.level = decoded.fields.protocolLevel;
    if (this.pending[dir].length > 0)
      decoded.fields = { ...decoded.fields, continuesInNextMessage: this.pending[dir].length };
    return decoded;
  }

  private context(): DecodeContext {
    return this.level === undefined ? {} : { mqttLevel: this.level };
  }
}

/** The protocol level of the CONNECT a client's first binary messages carry, reassembled across messages. */
export function mqttConnectLevelIn(messages: Iterable<DecoderInput>, limit: number): number | undefined {
  let buffer: Uint8Array = new Uint8Array(0);
  let n = 0;
  for (const m of messages) {
    if (n++ >= limit) break;
    if (m.dir !== 'c2s') continue;
    if (m.opcode !== 2) return undefined;
    buffer = concat(buffer, m.bytes);
    if (buffer[0] !== 0x10) return undefined;
    const whole = wholePacketsLength(buffer);
    if ('error' in whole) return undefined;
    if (whole.length > 0) return mqttConnectLevel(buffer.subarray(0, whole.length));
  }
  return undefined;
}
