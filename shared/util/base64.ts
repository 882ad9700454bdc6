const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Each byte's value as a base64 digit (0–63), or -1 for a byte that is not one: indexed by byte or char code < 256. */
export const BASE64_VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) BASE64_VALUE[ALPHABET.charCodeAt(i)] = i;

const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
const PAD = 0x3d;
/** Characters per String.fromCharCode call (well under engines' argument limits). */
const PIECE = 8192;

/**
 * Standard base64 with padding, of bytes[start, end). Written as character codes and turned into strings a piece at a
 * time, so the result is one flat string: a string grown by `+=` stays a tree of pieces in memory, which records keep
 * alive (many small objects for the garbage collector to walk).
 */
export function toBase64(bytes: Uint8Array, start = 0, end = bytes.length): string {
  const length = Math.max(0, end - start);
  const out = new Uint8Array(Math.ceil(length / 3) * 4);
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
  if (o <= PIECE) return String.fromCharCode(...out.subarray(0, o));
  const parts: string[] = [];
  for (let p = 0; p < o; p += PIECE)
    parts.push(String.fromCharCode(...out.subarray(p, Math.min(o, p + PIECE))));
  return parts.join('');
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
    const c = clean.charCodeAt(i);
    const v = c < 256 ? BASE64_VALUE[c]! : -1;
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
