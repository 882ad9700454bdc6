import type { HttpHeader, NegotiatedExtension } from '../model/handshake.js';

/** Values of every header named `name` (case-insensitive), in order. */
export function headerValues(headers: readonly HttpHeader[], name: string): string[] {
  const wanted = name.toLowerCase();
  const out: string[] = [];
  for (const h of headers) if (h.name.toLowerCase() === wanted) out.push(h.value);
  return out;
}

/** The comma-separated list elements of every `name` header, trimmed, empty elements dropped (RFC 9110 §5.6.1). */
export function headerList(headers: readonly HttpHeader[], name: string): string[] {
  return headerValues(headers, name).flatMap((v) =>
    splitOutsideQuotes(v, ',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/** Splits on `separator` except inside double-quoted strings (which may contain backslash escapes). */
export function splitOutsideQuotes(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (quoted) {
      current += c;
      if (c === '\\' && i + 1 < value.length) current += value[++i]!;
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      current += c;
    } else if (c === separator) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/**
 * Parses a Sec-WebSocket-Extensions value (RFC 6455 §9.1, RFC 7692 §5): `name; param; param=value, name2 ...`.
 * Valueless parameters (e.g. `client_max_window_bits` in an offer) become `true`; quoted values are unquoted.
 * Several header lines can be joined with ", " before parsing.
 */
export function parseExtensions(value: string): NegotiatedExtension[] {
  const out: NegotiatedExtension[] = [];
  for (const element of splitOutsideQuotes(value, ',')) {
    const [first, ...params] = splitOutsideQuotes(element, ';').map((s) => s.trim());
    if (!first) continue;
    const extension: NegotiatedExtension = { name: first, params: {} };
    for (const param of params) {
      if (!param) continue;
      const eq = param.indexOf('=');
      if (eq < 0) extension.params[param] = true;
      else {
        const key = param.slice(0, eq).trim();
        if (key) extension.params[key] = unquote(param.slice(eq + 1).trim());
      }
    }
    out.push(extension);
  }
  return out;
}

/** Parses a Sec-WebSocket-Protocol value: comma-separated tokens, trimmed, empty ones dropped. */
export function parseSubprotocols(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
