import type { Decoded, Decoder } from './types.js';
import { inputText, undecodable } from './types.js';

export const STOMP_COMMANDS = new Set([
  'CONNECT',
  'STOMP',
  'CONNECTED',
  'SEND',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'ACK',
  'NACK',
  'BEGIN',
  'COMMIT',
  'ABORT',
  'DISCONNECT',
  'MESSAGE',
  'RECEIPT',
  'ERROR',
]);

const BODY_PREVIEW_CHARS = 2048;

// STOMP 1.2 §Value Encoding: headers of every frame but CONNECT/CONNECTED escape \r \n : and \.
function unescapeHeader(value: string): string | undefined {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = value[++i];
    if (next === 'n') out += '\n';
    else if (next === 'r') out += '\r';
    else if (next === 'c') out += ':';
    else if (next === '\\') out += '\\';
    else return undefined;
  }
  return out;
}

/**
 * A STOMP 1.2 frame: `COMMAND EOL (header EOL)* EOL body NUL`. A message of only EOLs is a heart-beat. Messages may
 * hold several frames; the first is decoded and the rest counted.
 */
export const decodeStomp: Decoder = (input) => {
  const text = inputText(input);
  if (/^(\r?\n)+$/.test(text))
    return {
      protocol: 'stomp',
      kind: 'heart-beat',
      fields: { heartBeat: true },
      links: [{ role: 'ping', key: `${input.dir}:heart-beat`, label: 'STOMP heart-beat' }],
    };
  const start = text.replace(/^(\r?\n)+/, '');
  const lineEnd = start.indexOf('\n');
  if (lineEnd < 0) return undecodable('stomp', 'no end of line after the command', input.truncated);
  const command = start.slice(0, lineEnd).replace(/\r$/, '');
  if (!STOMP_COMMANDS.has(command))
    return undecodable('stomp', `"${command.slice(0, 40)}" is not a STOMP command`);
  const headerEnd = start.search(/\r?\n\r?\n/);
  if (headerEnd < 0) return undecodable('stomp', 'no blank line after the headers', input.truncated);
  const escaped = command !== 'CONNECT' && command !== 'CONNECTED';
  const headers: Record<string, string> = {};
  for (const line of start.slice(lineEnd + 1, headerEnd).split(/\r?\n/)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon < 0) return undecodable('stomp', `header line without a colon: "${line.slice(0, 40)}"`);
    const name = escaped ? unescapeHeader(line.slice(0, colon)) : line.slice(0, colon);
    const value = escaped ? unescapeHeader(line.slice(colon + 1)) : line.slice(colon + 1);
    if (name === undefined || value === undefined)
      return undecodable('stomp', `undefined escape sequence in header "${line.slice(0, 40)}"`);
    // STOMP 1.2: when a header repeats, the first value counts.
    if (!(name in headers)) headers[name] = value;
  }
  const bodyStart = start.indexOf('\n', headerEnd + 1) + 1;
  const nul = start.indexOf('\0', bodyStart);
  if (nul < 0 && !input.truncated) return undecodable('stomp', 'the frame does not end with NUL');
  const body = start.slice(bodyStart, nul < 0 ? undefined : nul);
  const fields: Record<string, unknown> = { command, headers };
  if (body) fields.body = body.length > BODY_PREVIEW_CHARS ? `${body.slice(0, BODY_PREVIEW_CHARS)}…` : body;
  const more =
    nul < 0
      ? 0
      : start
          .slice(nul + 1)
          .split('\0')
          .filter((f) => f.replace(/\s+/g, '') !== '').length;
  if (more > 0) fields.moreFrames = more;
  const decoded: Decoded = { protocol: 'stomp', kind: command, fields };
  const destination = headers.destination;
  if (destination !== undefined) decoded.topic = destination;
  const id =
    headers['receipt-id'] ?? headers.receipt ?? headers['message-id'] ?? headers.id ?? headers.subscription;
  if (id !== undefined) decoded.id = id;
  if (headers.receipt !== undefined)
    decoded.links = [
      { role: 'request', key: `receipt:${headers.receipt}`, label: `receipt ${headers.receipt}` },
    ];
  if (command === 'RECEIPT' && headers['receipt-id'] !== undefined)
    decoded.links = [
      {
        role: 'response',
        key: `receipt:${headers['receipt-id']}`,
        label: `receipt ${headers['receipt-id']}`,
      },
    ];
  if (command === 'CONNECT' || command === 'STOMP')
    decoded.links = [{ role: 'request', key: 'connect', label: 'CONNECT' }];
  if (command === 'CONNECTED') decoded.links = [{ role: 'response', key: 'connect', label: 'CONNECT' }];
  if (command === 'ERROR') {
    decoded.problem = { kind: 'stomp-error', message: headers.message ?? (body.trim() || 'ERROR frame') };
    if (headers['receipt-id'] !== undefined)
      decoded.links = [
        {
          role: 'response',
          key: `receipt:${headers['receipt-id']}`,
          label: `receipt ${headers['receipt-id']}`,
        },
      ];
  }
  return decoded;
};

/** The `heart-beat` header of CONNECT / CONNECTED: what each side offers to send and wants to receive, ms. */
export function stompHeartBeat(decoded: Decoded): { send: number; receive: number } | undefined {
  if (decoded.protocol !== 'stomp') return undefined;
  const headers = decoded.fields.headers as Record<string, string> | undefined;
  const value = headers?.['heart-beat'];
  const match = value === undefined ? null : /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(value);
  return match ? { send: Number(match[1]), receive: Number(match[2]) } : undefined;
}
