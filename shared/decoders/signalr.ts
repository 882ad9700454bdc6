import type { Decoded, Decoder, Link } from './types.js';
import { idText, inputText, isObject, parseJson, undecodable } from './types.js';

export const RECORD_SEPARATOR = '\u001e';

const TYPES: Record<number, string> = {
  1: 'Invocation',
  2: 'StreamItem',
  3: 'Completion',
  4: 'StreamInvocation',
  5: 'CancelInvocation',
  6: 'Ping',
  7: 'Close',
  8: 'Ack',
  9: 'Sequence',
};

/**
 * SignalR JSON hub protocol: JSON records each ended by 0x1E; one WebSocket message may carry several. The first
 * record names the row; all of them are in `fields.records` and all take part in pairing.
 */
export const decodeSignalR: Decoder = (input) => {
  const text = inputText(input);
  if (!text.endsWith(RECORD_SEPARATOR))
    return undecodable('signalr', 'records must end with the 0x1E record separator', input.truncated);
  const parts = text.slice(0, -1).split(RECORD_SEPARATOR);
  const records: Record<string, unknown>[] = [];
  for (const part of parts) {
    const parsed = parseJson(part);
    if (!parsed.ok) return undecodable('signalr', `a record is not JSON: ${parsed.error}`);
    if (!isObject(parsed.value)) return undecodable('signalr', 'a record is not a JSON object');
    records.push(parsed.value);
  }
  const decoded = describe(records[0] ?? {}, input.dir);
  if (records.length > 1) {
    decoded.fields = { records };
    decoded.links = records.flatMap((r) => describe(r, input.dir).links ?? []);
    const problem = records.map((r) => describe(r, input.dir).problem).find((p) => p !== undefined);
    if (problem) decoded.problem = problem;
  }
  return decoded;
};

function describe(record: Record<string, unknown>, dir: 'c2s' | 's2c'): Decoded {
  const type = record.type;
  if (type === undefined) {
    // The handshake: the client names the protocol, the server answers {} or {"error": …}.
    if (typeof record.protocol === 'string')
      return {
        protocol: 'signalr',
        kind: 'Handshake',
        event: `${record.protocol} v${String(record.version)}`,
        fields: record,
        links: [{ role: 'request', key: 'handshake', label: 'handshake' }],
      };
    const decoded: Decoded = {
      protocol: 'signalr',
      kind: 'HandshakeResponse',
      fields: record,
      links: [{ role: 'response', key: 'handshake', label: 'handshake' }],
    };
    if (typeof record.error === 'string')
      decoded.problem = { kind: 'signalr-handshake-error', message: record.error };
    return dir === 's2c' ? decoded : undecodableRecord('a record without "type"');
  }
  const kind = typeof type === 'number' ? TYPES[type] : undefined;
  if (kind === undefined) return undecodableRecord(`unknown message type ${JSON.stringify(type)}`);
  const decoded: Decoded = { protocol: 'signalr', kind, fields: record };
  const id = idText(record.invocationId);
  if (id !== undefined) decoded.id = id;
  if (typeof record.target === 'string') decoded.event = record.target;
  const links: Link[] = [];
  switch (kind) {
    case 'Invocation':
    case 'StreamInvocation':
      if (id !== undefined) links.push({ role: 'request', key: `inv:${id}`, label: `invocation ${id}` });
      break;
    case 'StreamItem':
    case 'Completion':
      if (id !== undefined) links.push({ role: 'response', key: `inv:${id}`, label: `invocation ${id}` });
      break;
    case 'Ping':
      // Both sides ping on their own schedule (no replies): one-way keep-alives.
      links.push({ role: 'ping', key: `${dir}:ping`, label: 'SignalR ping' });
      break;
    case 'Close':
      if (typeof record.error === 'string' && record.error)
        decoded.problem = { kind: 'signalr-close-error', message: record.error };
      break;
    default:
      break;
  }
  if (links.length > 0) decoded.links = links;
  return decoded;
}

const undecodableRecord = (reason: string): Decoded => undecodable('signalr', reason);
