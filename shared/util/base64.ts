const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Each byte's value as a base64 digit (0–63), or -1 for a byte that is not one: indexed by byte or char code < 256. */
export const BASE64_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) BASE64_VALUE[ALPHABET.charCodeAt(i)] = i;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 0x3d;
/** Characters per String.fromCharCode call (well under engines' argument limits). */
const PIECE = 8192;
/** The digits are written here, then made one string. */
let scratch = new Uint8Array(1024);

/**
 * Standard base64 with padding, of bytes[start, end). The digits go into a reused buffer and become flat strings a
 * piece at a time (a string grown by `+=` stays a tree of pieces in memory, which records keep alive). The codes are
 * passed with `apply`: spreading a typed array goes through its iterator, ~2.5 µs for a 40-byte payload, ten times
 * slower (a session's analysis encodes millions of them).
 */
export function toBase64(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const length = Math.max(0, end - start);
  const size = Math.ceil(length / 3) * 4;
  if (scratch.length < size) scratch = new Uint8Array(size * 2);
  const out = scratch;
  let o = 0;
  let i = start;
  for (; i + 2 < end; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = CODES[(n >> 6) & 63]!;
    out[o++] = CODES[n & 63]!;
  }
  const left = end - i;
  if (left === 1) {
    const n = bytes[i]! << 16;
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = PAD;
    out[o++] = PAD;
  } else if (left === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out[o++] = CODES[n >> 18]!;
    out[o++] = CODES[(n >> 12) & 63]!;
    out[o++] = CODES[(n >> 6) & 63]!;
    out[o++] = PAD;
  }
  if (o <= PIECE) return charCodes(out.subarray(0, o));
  const parts: string[] = [];
  for (let p = 0; p < o; p += PIECE) parts.push(charCodes(out.subarray(p, Math.min(o, p + PIECE))));
  return parts.join('');
}

const charCodes = (codes: Uint8Array): string =>
  String.fromCharCode.apply(null, codes as unknown as number[]);

/** The value of the base64 digit at `text[i]`, or -1 when it is not one. */
const digit = (text: string, i: number): number => {
  const code = text.charCodeAt(i);
  return code < 256 ? BASE64_VALUE[code]! : -1;
};

/**
 * Decodes a base64 string into `into` (at least 3/4 of its length) when it is the canonical encoding of its bytes
 * (padded, nothing but the alphabet, no stray bits in the last group), as a re-encoding would give it back. Returns
 * the number of bytes, or -1. One pass with a table instead of `atob`, a regular expression or a re-encoding: this
 * runs for every frame and message of a live flood.
 */
export function decodeCanonicalBase64(base64: string, into: Uint8Array): number {
  if (typeof base64 !== 'string') return -1;
  const length = base64.length;
  if (length % 4 !== 0) return -1;
  const pad =
    length > 0 && base64.charCodeAt(length - 1) === 0x3d
      ? base64.charCodeAt(length - 2) === 0x3d
        ? 2
        : 1
      : 0;
  const whole = pad ? length - 4 : length;
  let out = 0;
  for (let i = 0; i < whole; i += 4) {
    const a = digit(base64, i);
    const b = digit(base64, i + 1);
    const c = digit(base64, i + 2);
    const d = digit(base64, i + 3);
    if ((a | b | c | d) < 0) return -1;
    into[out++] = (a << 2) | (b >> 4);
    into[out++] = ((b & 15) << 4) | (c >> 2);
    into[out++] = ((c & 3) << 6) | d;
  }
  if (pad === 0) return out;
  const a = digit(base64, whole);
  const b = digit(base64, whole + 1);
  if ((a | b) < 0) return -1;
  into[out++] = (a << 2) | (b >> 4);
  if (pad === 2) return b & 15 ? -1 : out;
  const c = digit(base64, whole + 2);
  if (c < 0 || c & 3) return -1;
  into[out++] = ((b & 15) << 4) | (c >> 2);
  return out;
}

/** Decodes standard base64 (padding optional, whitespace ignored). Returns null on invalid input. */
export function fromBase64(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '').replace(/=+$/, '');
  if (clean.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = digit(clean, i);
    if (v < 0) return null;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
