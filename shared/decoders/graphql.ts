import type { Decoded, Decoder } from './types.js';
import { idText, inputText, isObject, parseJson, undecodable } from './types.js';

/** Message types of graphql-transport-ws (the `graphql-ws` library) and of the legacy subscriptions-transport-ws. */
const TRANSPORT_WS = new Set([
  'connection_init',
  'connection_ack',
  'ping',
  'pong',
  'subscribe',
  'next',
  'error',
  'complete',
]);
const LEGACY_WS = new Set([
  'connection_init',
  'connection_ack',
  'connection_error',
  'connection_terminate',
  'ka',
  'start',
  'data',
  'error',
  'complete',
  'stop',
]);

export const GRAPHQL_TYPES: Record<'graphql-transport-ws' | 'graphql-ws', ReadonlySet<string>> = {
  'graphql-transport-ws': TRANSPORT_WS,
  'graphql-ws': LEGACY_WS,
};

const OPERATION = /\b(query|mutation|subscription)\s*([_A-Za-z][_0-9A-Za-z]*)?/;

/** The operation's name: `operationName`, else the name in the query text, else its type (`subscription`). */
function operationName(payload: unknown): string | undefined {
  if (!isObject(payload)) return undefined;
  if (typeof payload.operationName === 'string' && payload.operationName) return payload.operationName;
  if (typeof payload.query !== 'string') return undefined;
  const match = OPERATION.exec(payload.query);
  if (match) return match[2] ?? match[1];
  return payload.query.trimStart().startsWith('{') ? 'query' : undefined;
}

function errorMessages(payload: unknown): string {
  const list = Array.isArray(payload)
    ? payload
    : isObject(payload) && Array.isArray(payload.errors)
      ? payload.errors
      : [payload];
  return list
    .map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : JSON.stringify(e ?? null)))
    .join('; ');
}

function decodeGraphql(protocol: 'graphql-transport-ws' | 'graphql-ws'): Decoder {
  const types = GRAPHQL_TYPES[protocol];
  const beat = protocol === 'graphql-transport-ws' ? 'GraphQL ping/pong' : 'GraphQL keep-alive';
  return (input) => {
    const parsed = parseJson(inputText(input));
    if (!parsed.ok) return undecodable(protocol, `not JSON: ${parsed.error}`, input.truncated);
    const message = parsed.value;
    if (!isObject(message) || typeof message.type !== 'string')
      return undecodable(protocol, 'a message is a JSON object with a string "type"');
    const { type } = message;
    if (!types.has(type)) return undecodable(protocol, `"${type}" is not a ${protocol} message type`);
    const decoded: Decoded = { protocol, kind: type, fields: message };
    const id = idText(message.id);
    if (id !== undefined) decoded.id = id;
    switch (type) {
      case 'connection_init':
        decoded.links = [{ role: 'request', key: 'init', label: 'connection_init' }];
        break;
      case 'connection_ack':
        decoded.links = [{ role: 'response', key: 'init', label: 'connection_init' }];
        break;
      case 'connection_error':
        decoded.links = [{ role: 'response', key: 'init', label: 'connection_init' }];
        decoded.problem = { kind: 'graphql-connection-error', message: errorMessages(message.payload) };
        break;
      case 'ping':
      case 'pong':
        decoded.links = [{ role: type, key: 'heartbeat', label: beat }];
        break;
      case 'ka':
        // The legacy server's keep-alive is one-way: nothing answers it.
        decoded.links = [{ role: 'ping', key: 'ka', label: beat }];
        break;
      case 'subscribe':
      case 'start': {
        const name = operationName(message.payload);
        if (name !== undefined) decoded.event = name;
        if (id !== undefined)
          decoded.links = [
            { role: 'request', key: `op:${id}`, label: `operation ${id}`, optionalReply: true },
          ];
        break;
      }
      case 'next':
      case 'data':
      case 'error':
      case 'complete':
        // The first result (or the end) of an operation answers its subscribe/start.
        if (id !== undefined && input.dir === 's2c')
          decoded.links = [{ role: 'response', key: `op:${id}`, label: `operation ${id}` }];
        if (type === 'error')
          decoded.problem = { kind: 'graphql-error', message: errorMessages(message.payload) };
        else if (isObject(message.payload) && Array.isArray(message.payload.errors))
          decoded.problem = { kind: 'graphql-error', message: errorMessages(message.payload.errors) };
        break;
      default:
        break;
    }
    return decoded;
  };
}

export const decodeGraphqlTransportWs = decodeGraphql('graphql-transport-ws');
export const decodeGraphqlWsLegacy = decodeGraphql('graphql-ws');
