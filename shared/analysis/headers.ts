import type { HttpHeader } from '../model/handshake.js';

/** All values of a header (case-insensitive name), in wire order. */
export function headerValues(headers: readonly HttpHeader[], name: string): string[] {
  const wanted = name.toLowerCase();
  return headers.filter((h) => h.name.toLowerCase() === wanted).map((h) => h.value);
}

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const values = headerValues(headers, name);
  return values.length > 0 ? values.join(', ') : undefined;
}

export function hasHeader(headers: readonly HttpHeader[], name: string): boolean {
  return headerValues(headers, name).length > 0;
}

/** Comma-separated tokens of a list header, trimmed and lower-cased. */
export function headerTokens(headers: readonly HttpHeader[], name: string): string[] {
  return headerValues(headers, name)
    .flatMap((v) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t.length > 0);
}

/** Whether the request asks for a WebSocket upgrade the way RFC 6455 §4.1 requires. */
export function upgradeHeadersPresent(headers: readonly HttpHeader[]): {
  upgrade: boolean;
  connection: boolean;
} {
  return {
    upgrade: headerTokens(headers, 'upgrade').includes('websocket'),
    connection: headerTokens(headers, 'connection').includes('upgrade'),
  };
}

/** Extension names of a Sec-WebSocket-Extensions header (offer or answer). */
export function extensionNames(headers: readonly HttpHeader[]): string[] {
  return headerValues(headers, 'sec-websocket-extensions')
    .flatMap((v) => v.split(','))
    .map((offer) => (offer.split(';')[0] ?? '').trim().toLowerCase())
    .filter((n) => n.length > 0);
}
