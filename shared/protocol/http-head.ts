import type { HttpHeader, HttpRequestHead, HttpResponseHead } from '../model/handshake.js';
import type { HttpHeadResult } from './types.js';

export { headerList, headerValues, parseExtensions, parseSubprotocols } from './header-values.js';

export const DEFAULT_MAX_HEAD_BYTES = 65536;

const LF = 0x0a;
const CR = 0x0d;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Reads one HTTP/1.x head (request or response) from a byte stream, up to and including the blank line. Tolerates
 * bare LF line ends. Bad input gives `{ state: 'error' }`, never an exception. The bytes after the head are returned
 * as `rest` (a view into the last chunk).
 */
export class HttpHeadReader {
  private buffer: Uint8Array;
  private fill = 0;
  private result: HttpHeadResult = { state: 'pending' };

  constructor(
    private readonly kind: 'request' | 'response',
    private readonly maxHeadBytes = DEFAULT_MAX_HEAD_BYTES,
  ) {
    this.buffer = new Uint8Array(Math.min(1024, Math.max(16, maxHeadBytes)));
  }

  accept(chunk: Uint8Array): HttpHeadResult {
    if (this.result.state === 'error') return this.result;
    if (this.result.state === 'done') return { ...this.result, rest: chunk };
    const searchFrom = Math.max(0, this.fill - 2);
    const room = this.maxHeadBytes - this.fill;
    const take = Math.min(chunk.length, room);
    this.append(chunk, take);
    const end = findHeadEnd(this.buffer, searchFrom, this.fill);
    if (end < 0) {
      const garbage = this.checkStart();
      if (garbage) return this.fail(garbage);
      if (this.fill >= this.maxHeadBytes) {
        return this.fail(`HTTP head larger than ${this.maxHeadBytes} bytes without a blank line`);
      }
      return this.result;
    }
    const headBytes = this.buffer.subarray(0, end);
    const restStart = take - (this.fill - end);
    const raw = latin1(headBytes);
    const parsed = this.kind === 'request' ? parseRequest(raw) : parseResponse(raw);
    if (typeof parsed === 'string') return this.fail(parsed);
    this.result = { state: 'done', head: parsed, rest: chunk.subarray(restStart) };
    this.buffer = new Uint8Array(0);
    return this.result;
  }

  private append(chunk: Uint8Array, count: number): void {
    if (this.fill + count > this.buffer.length) {
      const grown = new Uint8Array(
        Math.min(this.maxHeadBytes, Math.max(this.buffer.length * 2, this.fill + count)),
      );
      grown.set(this.buffer.subarray(0, this.fill));
      this.buffer = grown;
    }
    this.buffer.set(chunk.subarray(0, count), this.fill);
    this.fill += count;
  }

  /** Rejects early when what arrived so far cannot be the start of an HTTP head. */
  private checkStart(): string | undefined {
    const n = Math.min(this.fill, 16);
    const start = latin1(this.buffer.subarray(0, n));
    if (this.kind === 'response') {
      const expected = 'HTTP/';
      if (!expected.startsWith(start.slice(0, 5)))
        return `Not an HTTP response: starts with ${JSON.stringify(start)}`;
    } else {
      const space = start.indexOf(' ');
      const method = space < 0 ? start : start.slice(0, space);
      if (method.length > 0 && !TOKEN.test(method))
        return `Not an HTTP request: starts with ${JSON.stringify(start)}`;
    }
    for (let i = 0; i < this.fill; i++) {
      const b = this.buffer[i]!;
      if (b === 0 || (b < 0x20 && b !== 0x09 && b !== CR && b !== LF) || b === 0x7f) {
        return `HTTP head contains a control byte 0x${b.toString(16).padStart(2, '0')} at ${i}`;
      }
    }
    return undefined;
  }

  private fail(message: string): HttpHeadResult {
    this.result = { state: 'error', message };
    this.buffer = new Uint8Array(0);
    return this.result;
  }
}

/** Index just past the blank line that ends the head (LF [CR] LF), or -1. */
function findHeadEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (bytes[i] !== LF) continue;
    if (i + 1 < to && bytes[i + 1] === LF) return i + 2;
    if (i + 2 < to && bytes[i + 1] === CR && bytes[i + 2] === LF) return i + 3;
  }
  return -1;
}

function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 8192)));
  }
  return out;
}

function splitHead(raw: string): { startLine: string; headers: HttpHeader[] } | string {
  const lines = raw.split(/\r?\n/);
  // Drop the empty lines produced by the terminating blank line.
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const startLine = lines.shift() ?? '';
  const headers: HttpHeader[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length > 0) {
      // Obsolete line folding (RFC 9112 §5.2): continue the previous value.
      const previous = headers[headers.length - 1]!;
      previous.value = `${previous.value} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return `Malformed header line: ${JSON.stringify(line.slice(0, 80))}`;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return `Malformed header name: ${JSON.stringify(name.slice(0, 80))}`;
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return { startLine, headers };
}

function parseRequest(raw: string): HttpRequestHead | string {
  const split = splitHead(raw);
  if (typeof split === 'string') return split;
  const match = /^(\S+) (\S+) HTTP\/(\d+\.\d+)$/.exec(split.startLine);
  if (!match || !TOKEN.test(match[1]!))
    return `Malformed request line: ${JSON.stringify(split.startLine.slice(0, 120))}`;
  return { method: match[1]!, target: match[2]!, httpVersion: match[3]!, headers: split.headers, raw };
}

function parseResponse(raw: string): HttpResponseHead | string {
  const split = splitHead(raw);
  if (typeof split === 'string') return split;
  const match = /^HTTP\/(\d+\.\d+) (\d{3})(?: (.*))?$/.exec(split.startLine);
  if (!match) return `Malformed status line: ${JSON.stringify(split.startLine.slice(0, 120))}`;
  return {
    httpVersion: match[1]!,
    status: Number(match[2]),
    statusText: match[3] ?? '',
    headers: split.headers,
    raw,
  };
}
