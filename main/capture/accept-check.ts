import { createHash } from 'node:crypto';
import type { AcceptCheck, HttpHeader } from '../../shared/model/handshake.js';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export function expectedAccept(key: string): string {
  return createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

const firstHeader = (headers: HttpHeader[], name: string): string | undefined =>
  headers.find((h) => h.name.toLowerCase() === name)?.value.trim();

/** Compare a 101 response's Sec-WebSocket-Accept with the request's Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function checkAccept(
  requestHeaders: HttpHeader[] | undefined,
  status: number,
  responseHeaders: HttpHeader[],
): AcceptCheck {
  if (status !== 101) return 'not-applicable';
  const accept = firstHeader(responseHeaders, 'sec-websocket-accept');
  if (accept === undefined) return 'missing';
  const key = requestHeaders && firstHeader(requestHeaders, 'sec-websocket-key');
  if (key === undefined) return 'not-applicable';
  return accept === expectedAccept(key) ? 'ok' : 'mismatch';
}
