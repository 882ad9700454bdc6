import type { Decoded, Decoder, Link } from './types.js';
import { inputText, isObject, parseJson, undecodable } from './types.js';

const ENGINE_TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'] as const;
const SOCKET_TYPES = [
  'CONNECT',
  'DISCONNECT',
  'EVENT',
  'ACK',
  'CONNECT_ERROR',
  'BINARY_EVENT',
  'BINARY_ACK',
] as const;

const HEARTBEAT = 'Engine.IO ping/pong';

/**
 * Engine.IO v4 packet over WebSocket (one packet per message: a type digit, then data) carrying, in `message`
 * packets, a Socket.IO v4 packet: `<type>[<attachments>-][<namespace>,][<ack id>][<JSON>]`. A binary message is an
 * attachment of the preceding BINARY_EVENT / BINARY_ACK.
 */
export const decodeSocketIo: Decoder = (input) => {
  const { bytes, truncated } = input;
  if (input.opcode === 2)
    return { protocol: 'socket.io', kind: 'attachment', fields: { attachmentBytes: bytes.length } };
  const text = inputText(input);
  const digit = text.charCodeAt(0) - 48;
  const engineType = ENGINE_TYPES[digit];
  if (engineType === undefined)
    return undecodable('socket.io', `"${text.slice(0, 1)}" is not an Engine.IO packet type (0–6)`);
  const rest = text.slice(1);
  switch (engineType) {
    case 'open': {
      const parsed = parseJson(rest);
      if (!parsed.ok || !isObject(parsed.value))
        return undecodable('socket.io', 'the open packet does not carry a JSON object', truncated);
      return { protocol: 'socket.io', kind: 'open', fields: { engine: 'open', ...parsed.value } };
    }
    case 'ping':
    case 'pong': {
      // "2probe"/"3probe" check a transport upgrade; plain "2"/"3" are the heartbeat (the server pings in v4).
      const probe = rest === 'probe';
      const links: Link[] = [
        { role: engineType, key: probe ? 'probe' : 'heartbeat', label: probe ? 'upgrade probe' : HEARTBEAT },
      ];
      return {
        protocol: 'socket.io',
        kind: engineType,
        fields: rest ? { engine: engineType, data: rest } : { engine: engineType },
        links,
      };
    }
    case 'message':
      return decodeSocketPacket(rest, truncated);
    default:
      return { protocol: 'socket.io', kind: engineType, fields: { engine: engineType } };
  }
};

function decodeSocketPacket(text: string, truncated: boolean): Decoded {
  const type = SOCKET_TYPES[text.charCodeAt(0) - 48];
  if (type === undefined)
    return text === ''
      ? { protocol: 'socket.io', kind: 'message', fields: { engine: 'message', data: '' } }
      : undecodable('socket.io', `"${text.slice(0, 1)}" is not a Socket.IO packet type (0–6)`);
  let at = 1;
  const fields: Record<string, unknown> = { engine: 'message', type };
  if (type === 'BINARY_EVENT' || type === 'BINARY_ACK') {
    const dash = text.indexOf('-', at);
    const count = dash > at ? Number(text.slice(at, dash)) : NaN;
    if (!Number.isInteger(count)) return undecodable('socket.io', 'binary packet without "<attachments>-"');
    fields.attachments = count;
    at = dash + 1;
  }
  let namespace = '/';
  if (text[at] === '/') {
    const comma = text.indexOf(',', at);
    // A namespace runs to the comma; a packet with no payload may end right after it.
    const end = comma < 0 ? text.length : comma;
    namespace = text.slice(at, end);
    at = comma < 0 ? end : comma + 1;
  }
  fields.namespace = namespace;
  let idDigits = '';
  while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) idDigits += text[at++];
  const payloadText = text.slice(at);
  let payload: unknown;
  if (payloadText !== '') {
    const parsed = parseJson(payloadText);
    if (!parsed.ok) return undecodable('socket.io', `payload is not JSON: ${parsed.error}`, truncated);
    payload = parsed.value;
    fields.data = payload;
  }
  const decoded: Decoded = { protocol: 'socket.io', kind: type, fields };
  if (namespace !== '/') decoded.topic = namespace;
  if (idDigits) {
    decoded.id = idDigits;
    fields.id = Number(idDigits);
  }
  const ackKey = `${namespace}#${idDigits}`;
  switch (type) {
    case 'EVENT':
    case 'BINARY_EVENT': {
      if (!Array.isArray(payload) || payload.length === 0)
        return undecodable('socket.io', 'an EVENT carries a non-empty JSON array', truncated);
      const name: unknown = payload[0];
      decoded.event = typeof name === 'string' ? name : JSON.stringify(name);
      if (idDigits) decoded.links = [{ role: 'request', key: ackKey, label: `ack ${idDigits}` }];
      break;
    }
    case 'ACK':
    case 'BINARY_ACK':
      if (!idDigits) return undecodable('socket.io', 'an ACK without an id');
      decoded.links = [{ role: 'response', key: ackKey, label: `ack ${idDigits}` }];
      break;
    case 'CONNECT':
      decoded.links = [
        {
          role: payload !== undefined && isObject(payload) && 'sid' in payload ? 'response' : 'request',
          key: `${namespace}#connect`,
          label: `connect ${namespace}`,
        },
      ];
      break;
    case 'CONNECT_ERROR': {
      const message = isObject(payload) && typeof payload.message === 'string' ? payload.message : payload;
      decoded.problem = {
        kind: 'socketio-connect-error',
        message: typeof message === 'string' ? message : JSON.stringify(message ?? null),
      };
      decoded.links = [{ role: 'response', key: `${namespace}#connect`, label: `connect ${namespace}` }];
      break;
    }
    default:
      break;
  }
  return decoded;
}

/** The server's heartbeat settings from an Engine.IO open packet, when the message is one. */
export function engineIoOpen(decoded: Decoded): { pingInterval: number; pingTimeout: number } | undefined {
  if (decoded.protocol !== 'socket.io' || decoded.kind !== 'open') return undefined;
  const { pingInterval, pingTimeout } = decoded.fields;
  return typeof pingInterval === 'number' && typeof pingTimeout === 'number'
    ? { pingInterval, pingTimeout }
    : undefined;
}
