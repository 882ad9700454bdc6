import type { HttpHeader, HttpRequestHead, HttpResponseHead } from '../../shared/model/handshake.js';

/**
 * Minimal HTTP/1.x head handling for the proxy. Heads are kept as the exact bytes received (latin1 strings map
 * bytes 1:1); parsing only extracts what routing needs and never normalises what is relayed.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const LFLF = Buffer.from('\n\n', 'latin1');

/** Index just past the blank line that ends the head, or -1 while incomplete. Accepts bare-LF heads too. */
export function findHeadEnd(buf: Buffer, from = 0): number {
  const crlf = buf.indexOf(CRLFCRLF, Math.max(0, from - 3));
  const lf = buf.indexOf(LFLF, Math.max(0, from - 1));
  if (crlf === -1 && lf === -1) return -1;
  if (crlf === -1) return lf + 2;
  if (lf === -1) return crlf + 4;
  return crlf < lf ? crlf + 4 : lf + 2;
}

/** Splits a head into lines without their terminators (the final blank line is not included). */
function headLines(raw: string): string[] {
  const lines = raw.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function parseHeaders(lines: string[]): HttpHeader[] | string {
  const headers: HttpHeader[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return `malformed header line: ${JSON.stringify(line.slice(0, 80))}`;
    headers.push({ name: line.slice(0, colon), value: line.slice(colon + 1).trim() });
  }
  return headers;
}

export type ParseResult<T> = { ok: true; head: T } | { ok: false; message: string };

export function parseRequestHead(bytes: Buffer): ParseResult<HttpRequestHead> {
  const raw = bytes.toString('latin1');
  const [requestLine = '', ...rest] = headLines(raw);
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(\d\.\d)$/.exec(requestLine);
  if (!match)
    return { ok: false, message: `malformed request line: ${JSON.stringify(requestLine.slice(0, 120))}` };
  const headers = parseHeaders(rest);
  if (typeof headers === 'string') return { ok: false, message: headers };
  return { ok: true, head: { method: match[1]!, target: match[2]!, httpVersion: match[3]!, headers, raw } };
}

export function parseResponseHead(bytes: Buffer): ParseResult<HttpResponseHead> {
  const raw = bytes.toString('latin1');
  const [statusLine = '', ...rest] = headLines(raw);
  const match = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!match)
    return { ok: false, message: `malformed status line: ${JSON.stringify(statusLine.slice(0, 120))}` };
  const headers = parseHeaders(rest);
  if (typeof headers === 'string') return { ok: false, message: headers };
  return {
    ok: true,
    head: { httpVersion: match[1]!, status: Number(match[2]), statusText: match[3] ?? '', headers, raw },
  };
}

export function headerValue(headers: readonly HttpHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

export function hasToken(headers: readonly HttpHeader[], name: string, token: string): boolean {
  const lower = name.toLowerCase();
  const wanted = token.toLowerCase();
  return headers.some(
    (h) =>
      h.name.toLowerCase() === lower &&
      h.value
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .includes(wanted),
  );
}

export type RequestKind = 'websocket' | 'broken-websocket' | 'http';

/** A WebSocket upgrade, something that tried to be one (a key without the upgrade), or ordinary HTTP. */
export function classifyRequest(head: HttpRequestHead): RequestKind {
  const upgrade = hasToken(head.headers, 'upgrade', 'websocket');
  if (upgrade) return 'websocket';
  const wsHeader = head.headers.some((h) => h.name.toLowerCase().startsWith('sec-websocket-'));
  return wsHeader ? 'broken-websocket' : 'http';
}
