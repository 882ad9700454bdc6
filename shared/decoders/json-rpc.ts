import type { Decoded, Decoder } from './types.js';
import { idText, inputText, isObject, parseJson, undecodable } from './types.js';

function one(message: unknown): Decoded {
  if (!isObject(message)) return undecodable('json-rpc', 'a JSON-RPC message is a JSON object');
  if (message.jsonrpc !== '2.0') return undecodable('json-rpc', '"jsonrpc" is not "2.0"');
  const id = idText(message.id);
  if (typeof message.method === 'string') {
    const decoded: Decoded = {
      protocol: 'json-rpc',
      kind: id === undefined ? 'notification' : 'request',
      event: message.method,
      fields: message,
    };
    if (id !== undefined) {
      decoded.id = id;
      decoded.links = [{ role: 'request', key: `id:${id}`, label: `JSON-RPC id ${id}` }];
    }
    return decoded;
  }
  const isError = 'error' in message;
  if (!isError && !('result' in message))
    return undecodable('json-rpc', 'neither "method" (request) nor "result"/"error" (response)');
  const decoded: Decoded = { protocol: 'json-rpc', kind: isError ? 'error' : 'result', fields: message };
  if (id !== undefined) {
    decoded.id = id;
    decoded.links = [{ role: 'response', key: `id:${id}`, label: `JSON-RPC id ${id}` }];
  }
  if (isError) {
    const error = message.error;
    const text = isObject(error)
      ? `${typeof error.code === 'number' ? `${error.code} ` : ''}${typeof error.message === 'string' ? error.message : ''}`.trim()
      : JSON.stringify(error);
    decoded.problem = { kind: 'jsonrpc-error', message: text };
  }
  return decoded;
}

/** JSON-RPC 2.0: a request, notification or response, or a batch (array) of them. */
export const decodeJsonRpc: Decoder = (input) => {
  const parsed = parseJson(inputText(input));
  if (!parsed.ok) return undecodable('json-rpc', `not JSON: ${parsed.error}`, input.truncated);
  if (!Array.isArray(parsed.value)) return one(parsed.value);
  const items = parsed.value.map(one);
  if (items.length === 0) return undecodable('json-rpc', 'an empty batch');
  const bad = items.find((i) => i.kind === 'undecodable');
  if (bad) return bad;
  const first = items[0]!;
  const decoded: Decoded = {
    ...first,
    kind: `batch (${items.length})`,
    fields: { batch: parsed.value },
    links: items.flatMap((i) => i.links ?? []),
  };
  const problem = items.find((i) => i.problem)?.problem;
  if (problem) decoded.problem = problem;
  return decoded;
};
