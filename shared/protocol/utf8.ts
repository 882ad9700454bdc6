/**
 * UTF-8 validation and decoding without TextDecoder (shared/ is environment-free).
 * Follows the Unicode "well-formed UTF-8 byte sequences" table: no overlongs, no surrogates, nothing above U+10FFFF.
 */

/**
 * Incremental validator: feed the fragments of one message in order, then call `finish()`.
 * Once invalid it stays invalid until `reset()`.
 */
export class Utf8Validator {
  /** Continuation bytes still expected for the current sequence. */
  private need = 0;
  /** Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4). */
  private lower = 0x80;
  private upper = 0xbf;
  private ok = true;

  get valid(): boolean {
    return this.ok;
  }

  /** Validates bytes[start, end). Returns false once any invalid byte has been seen. */
  push(bytes: Uint8Array, start = 0, end = bytes.length): boolean {
    if (!this.ok) return false;
    let need = this.need;
    let lower = this.lower;
    let upper = this.upper;
    let i = start;
    while (i < end) {
      const b = bytes[i]!;
      if (need === 0) {
        if (b < 0x80) {
          i++;
          continue;
        }
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) {
          need = 2;
          if (b === 0xe0) lower = 0xa0;
          else if (b === 0xed) upper = 0x9f;
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3;
          if (b === 0xf0) lower = 0x90;
          else if (b === 0xf4) upper = 0x8f;
        } else {
          this.ok = false;
          return false;
        }
      } else {
        if (b < lower || b > upper) {
          this.ok = false;
          return false;
        }
        lower = 0x80;
        upper = 0xbf;
        need--;
      }
      i++;
    }
    this.need = need;
    this.lower = lower;
    this.upper = upper;
    return true;
  }

  /** True when everything pushed was valid and no multi-byte sequence is left incomplete. */
  finish(): boolean {
    if (this.need !== 0) this.ok = false;
    return this.ok;
  }

  reset(): void {
    this.need = 0;
    this.lower = 0x80;
    this.upper = 0xbf;
    this.ok = true;
  }
}

export function isValidUtf8(bytes: Uint8Array): boolean {
  const v = new Utf8Validator();
  return v.push(bytes) && v.finish();
}

export interface DecodeUtf8Options {
  /** Return null instead of substituting U+FFFD when the bytes are not valid UTF-8. */
  fatal?: boolean;
}

const REPLACEMENT = 0xfffd;
const FLUSH_AT = 8192;

/**
 * Decodes UTF-8. Invalid input yields U+FFFD per maximal invalid subpart (the WHATWG/TextDecoder behaviour),
 * or null with `fatal`.
 */
export function decodeUtf8(bytes: Uint8Array, options?: { fatal?: false }): string;
export function decodeUtf8(bytes: Uint8Array, options: DecodeUtf8Options): string | null;
export function decodeUtf8(bytes: Uint8Array, options: DecodeUtf8Options = {}): string | null {
  const units: number[] = [];
  let out = '';
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units.push(b);
      i++;
    } else {
      let need: number;
      let cp: number;
      let lower = 0x80;
      let upper = 0xbf;
      if (b >= 0xc2 && b <= 0xdf) {
        need = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        cp = b & 0x0f;
        if (b === 0xe0) lower = 0xa0;
        else if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        cp = b & 0x07;
        if (b === 0xf0) lower = 0x90;
        else if (b === 0xf4) upper = 0x8f;
      } else {
        if (options.fatal) return null;
        units.push(REPLACEMENT);
        i++;
        continue;
      }
      let j = i + 1;
      let complete = true;
      while (need > 0) {
        const c = j < n ? bytes[j]! : -1;
        if (c < lower || c > upper) {
          complete = false;
          break;
        }
        cp = (cp << 6) | (c & 0x3f);
        lower = 0x80;
        upper = 0xbf;
        need--;
        j++;
      }
      if (!complete) {
        if (options.fatal) return null;
        units.push(REPLACEMENT);
        i = j;
        continue;
      }
      if (cp >= 0x10000) {
        cp -= 0x10000;
        units.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
      } else units.push(cp);
      i = j;
    }
    if (units.length >= FLUSH_AT) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  if (units.length > 0) out += String.fromCharCode(...units);
  return out;
}

/** Encodes a string as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
export function encodeUtf8(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else cp = REPLACEMENT;
    }
    if (cp < 0x80) out[o++] = cp;
    else if (cp < 0x800) {
      out[o++] = 0xc0 | (cp >> 6);
      out[o++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[o++] = 0xe0 | (cp >> 12);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    } else {
      out[o++] = 0xf0 | (cp >> 18);
      out[o++] = 0x80 | ((cp >> 12) & 0x3f);
      out[o++] = 0x80 | ((cp >> 6) & 0x3f);
      out[o++] = 0x80 | (cp & 0x3f);
    }
  }
  return out.slice(0, o);
}
