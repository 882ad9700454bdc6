import type { Socket } from 'node:net';
import type { HttpHeader } from '../../shared/model/handshake.js';

/**
 * node:http keys request headers by their lower-cased name: of `X-A` and `x-a` only the last survives, and repeated
 * names are grouped. The head it built is rewritten instead: every line named like a given header (in any case) is
 * removed, and the given headers go where the first of those lines was, exactly as given (order, case, repeats).
 * A given header therefore replaces the line the client would have sent under that name (Host, Origin, ...).
 * Heads without a blank line or given no headers are returned unchanged.
 */
export function placeRequestHeaders(head: string, given: readonly HttpHeader[]): string {
  const end = head.indexOf('\r\n\r\n');
  if (given.length === 0 || end < 0) return head;
  const names = new Set(given.map((h) => h.name.toLowerCase()));
  const [requestLine = '', ...lines] = head.slice(0, end).split('\r\n');
  const kept: string[] = [];
  let at = -1;
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0 && names.has(line.slice(0, colon).trim().toLowerCase())) {
      if (at < 0) at = kept.length;
    } else kept.push(line);
  }
  if (at < 0) at = kept.length;
  kept.splice(at, 0, ...given.map((h) => `${h.name}: ${h.value}`));
  return [requestLine, ...kept].join('\r\n') + head.slice(end);
}

/**
 * Apply `placeRequestHeaders` to the first write on `socket` (node:http writes a request head with no body in one
 * call, as a latin1 string). Install after the tap, so the tap records the rewritten head, which is what goes out.
 */
export function rewriteRequestHead(socket: Socket, given: readonly HttpHeader[]): void {
  if (given.length === 0) return;
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]): boolean => {
    socket.write = write;
    const [chunk, encoding] = args;
    if (typeof chunk === 'string' && (encoding === 'latin1' || encoding === 'binary')) {
      args[0] = placeRequestHeaders(chunk, given);
    } else if (Buffer.isBuffer(chunk)) {
      args[0] = Buffer.from(placeRequestHeaders(chunk.toString('latin1'), given), 'latin1');
    }
    return write(...args);
  };
}
