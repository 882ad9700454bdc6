/**
 * Reads the two record shapes that are nearly all of a big session file, `{"type":"frame",...}` and
 * `{"type":"message",...}`, straight from a line's UTF-8 bytes into one reusable struct, without building a string or
 * an object per line. It is deliberately narrow: whatever it does not fully understand (escapes, whitespace,
 * exponents, unknown, missing or repeated keys, values a record check or the columns would refuse) makes it answer
 * "not mine", and the caller reads that line the ordinary way (JSON.parse and the record checks). A record it accepts
 * passes `checkEvent` and has exactly the fields, and the numbers, JSON.parse would give; its payload is decoded
 * from base64 on the way (only the canonical encoding, as the columns hold it).
 */

import { BASE64_VALUE } from '../util/base64.js';
import { decimalToDouble, POW10 } from './decimal-to-double.js';
import { MAX_TIME_MS } from './record-schema.js';

export const SCANNED_FRAME = 1;
export const SCANNED_MESSAGE = 2;

/** A scanned record. Byte ranges point into the scanned line; optional fields are -1 when absent. */
export interface ScannedRecord {
  kind: typeof SCANNED_FRAME | typeof SCANNED_MESSAGE;
  connStart: number;
  connEnd: number;
  t: number;
  s2c: boolean;
  opcode: number;
  truncated: boolean;
  /** The payload's bytes (decoded from its base64) are `payload[0, payloadBytes)`; the buffer is reused. */
  payload: Uint8Array;
  payloadBytes: number;
  /**
   * Which decoding `payload` holds: a new number for each one (unique among all scanners). A record whose base64 is
   * that of the record scanned before it into the same struct (a message after its frame) keeps the number, as its
   * payload is not decoded again.
   */
  payloadSerial: number;
  /** Where the payload's base64 text is in the scanned line (between its quotes). */
  dataStart: number;
  dataEnd: number;
  // Frames.
  seq: number;
  offset: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  masked: boolean;
  /** The mask key's 8 hex digits as a number, or -1. */
  maskKey: number;
  lengthEncoding: number;
  headerLength: number;
  payloadLength: number;
  messageId: number;
  // Messages.
  id: number;
  /** The message's one frame seq (`frames: [seq]`). */
  frame: number;
  wireSize: number;
  size: number;
  compressed: boolean;
  /** -1 absent, 0 false, 1 true. */
  utf8Valid: number;
}

/**
 * A number field that starts as a double. V8 stores a field first given a small integer as one, and a fraction (a time)
 * or a value above 2^30 (a mask key, an offset) later changes the object's layout, which throws away every optimised
 * function that has seen the record: each reader recompiled the scanner and the columns' code twice for it.
 */
const DOUBLE = -0.5;

export function newScannedRecord(): ScannedRecord {
  return {
    kind: SCANNED_FRAME,
    connStart: 0,
    connEnd: 0,
    t: DOUBLE,
    s2c: false,
    opcode: 0,
    truncated: false,
    payload: new Uint8Array(256),
    payloadBytes: 0,
    payloadSerial: 0,
    dataStart: 0,
    dataEnd: 0,
    seq: 0,
    offset: DOUBLE,
    fin: false,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    masked: false,
    maskKey: DOUBLE,
    lengthEncoding: 0,
    headerLength: 0,
    payloadLength: 0,
    messageId: -1,
    id: 0,
    frame: 0,
    wireSize: 0,
    size: 0,
    compressed: false,
    utf8Valid: -1,
  };
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const EQUALS = 0x3d;
const ZERO = 0x30;
const NINE = 0x39;

/** The largest value a 32-bit column holds: seqs, ids and sizes above it are kept as objects, so not scanned. */
const MAX_U32 = 0xffffffff;

/** Payload texts longer than this are not kept for comparing with the next record's. */
const MAX_KEPT_TEXT = 4096;

/** The last payload decoding's number (see ScannedRecord.payloadSerial), shared by all scanners. */
let payloadSerials = 0;

/**
 * Keys by length: for each length, the ids of the keys of that length and their bytes one after the other (ids are
 * bits of a "seen" mask). A file writes its records' keys in one order, so each key also remembers which key
 * followed it last time (`next`, at index `keys` for the first key): that one is tried first, by comparing its bytes
 * and the closing `":` (at most 16) as two overlapping 8- or 4-byte words, the first and the last of them.
 */
interface KeyTable {
  ids: Int8Array[];
  bytes: Uint8Array[];
  /** Each key's length with its closing `":`. */
  lengths: Int8Array;
  /**
   * How `readKey` compares the expected key: 8 — its first and last 8 bytes read as doubles (`head`, `tail`), for
   * lengths 8 to 16; 4 — as 32-bit words, the first with the opening quote, for 3 to 7; 0 — not at all (longer: looked
   * up instead).
   */
  words: Int8Array;
  head: Float64Array;
  tail: Float64Array;
  next: Int8Array;
}
function keyTable(keys: readonly string[]): KeyTable {
  const quoted = keys.map((key) => Uint8Array.from([...`${key}":`].map((c) => c.charCodeAt(0))));
  const table: KeyTable = {
    ids: [],
    bytes: [],
    lengths: Int8Array.from(quoted, (q) => q.length),
    words: Int8Array.from(quoted, (q) => (q.length > 16 ? 0 : q.length >= 8 ? 8 : q.length >= 3 ? 4 : 0)),
    head: new Float64Array(keys.length),
    tail: new Float64Array(keys.length),
    next: new Int8Array(keys.length + 1).fill(-1),
  };
  quoted.forEach((q, id) => {
    const view = new DataView(q.buffer);
    if (q.length > 16) return;
    if (q.length >= 8) {
      table.head[id] = view.getFloat64(0, true);
      table.tail[id] = view.getFloat64(q.length - 8, true);
    } else if (q.length >= 3) {
      const withQuote = new DataView(Uint8Array.of(QUOTE, ...q).buffer);
      table.head[id] = withQuote.getUint32(0, true);
      table.tail[id] = withQuote.getUint32(q.length - 3, true);
    }
  });
  for (let length = 0; length <= 16; length++) {
    const ids = keys.flatMap((key, id) => (key.length === length ? [id] : []));
    table.ids.push(Int8Array.from(ids));
    table.bytes.push(Uint8Array.from(ids.flatMap((id) => [...keys[id]!].map((c) => c.charCodeAt(0)))));
  }
  return table;
}

/** Top-level keys; the last, "message", is id 4. */
const TOP = ['type', 'conn', 't', 'frame', 'message'] as const;
const T_TYPE = 0;
const T_CONN = 1;
const T_T = 2;
const T_FRAME = 3;

/** The fields of a frame record that the columns hold: the scanner's keys, in the order of its bits. */
export const FRAME_FIELDS = [
  'seq',
  'dir',
  'offset',
  'fin',
  'rsv1',
  'rsv2',
  'rsv3',
  'opcode',
  'masked',
  'lengthEncoding',
  'headerLength',
  'payloadLength',
  'data',
  'truncated',
  'maskKey',
  'messageId',
] as const;
/** Every frame key but the optional maskKey and messageId. */
const FRAME_REQUIRED = (1 << 14) - 1;

/** The fields of a message record that the columns hold. */
export const MESSAGE_FIELDS = [
  'id',
  'dir',
  'opcode',
  'frames',
  'wireSize',
  'size',
  'compressed',
  'data',
  'truncated',
  'utf8Valid',
] as const;
/** Every message key but the optional utf8Valid. */
const MESSAGE_REQUIRED = (1 << 9) - 1;

const TOP_KEYS = keyTable(TOP);
/**
 * The top-level keys once the type is read: frame and message records each learn their order apart, as they alternate
 * in a file and the key after "t" differs ("frame", "message").
 */
const FRAME_TOP_KEYS = keyTable(TOP);
const MESSAGE_TOP_KEYS = keyTable(TOP);
const FRAME_KEYS = keyTable(FRAME_FIELDS);
const MESSAGE_KEYS = keyTable(MESSAGE_FIELDS);

/** Reads one line at a time into a ScannedRecord (state in fields: no object per line). */
export class RecordScanner {
  private b: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.b.buffer);
  private p = 0;
  private stop = 0;

  /**
   * Reads a frame or message record of the shape the columns hold from `bytes` at `start` (reading no further than
   * `stop`) into `out`, and returns where the record ends (after its closing brace); -1 for anything else. What
   * follows the record is the caller's to check (the line must end there).
   */
  scan(bytes: Uint8Array, start: number, stop: number, out: ScannedRecord): number {
    if (bytes !== this.b) {
      this.b = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.p = start;
    this.stop = stop;
    if (bytes[this.p++] !== OPEN) return -1;
    let seen = 0;
    let type = 0;
    let body = 0;
    let keys = TOP_KEYS;
    for (let key: number = TOP.length; ;) {
      key = this.readKey(keys, key);
      if (key < 0 || seen & (1 << key)) return -1;
      seen |= 1 << key;
      switch (key) {
        case T_TYPE: {
          const from = this.p + 1;
          const to = this.readPlainString();
          if (to < 0) return -1;
          type = this.typeOf(from, to);
          if (type === 0) return -1;
          keys = type === SCANNED_FRAME ? FRAME_TOP_KEYS : MESSAGE_TOP_KEYS;
          break;
        }
        case T_CONN:
          out.connStart = this.p + 1;
          out.connEnd = this.readPlainString();
          if (out.connEnd <= out.connStart) return -1;
          break;
        case T_T:
          out.t = this.readNumber();
          if (!(Math.abs(out.t) <= MAX_TIME_MS)) return -1;
          break;
        case T_FRAME:
          if (body !== 0 || !this.scanFrame(out)) return -1;
          body = SCANNED_FRAME;
          break;
        default:
          if (body !== 0 || !this.scanMessage(out)) return -1;
          body = SCANNED_MESSAGE;
          break;
      }
      // A comma and the next key, or the object's end (written out: V8 left a call to a method here).
      const c = this.b[this.p++];
      if (c !== COMMA) {
        if (c === CLOSE) break;
        return -1;
      }
    }
    if (this.p > stop || type !== body || (seen & 7) !== 7) return -1;
    out.kind = body as ScannedRecord['kind'];
    return this.p;
  }

  /**
   * The id of the quoted key at `p` (moved past it and its colon), or -1. `previous` is the id of the key before it
   * in its object (the table's key count for the first). Small enough for V8 to inline where it is called: the key
   * it expects, compared in two reads; any other is looked up by `findKey`.
   */
  private readKey(table: KeyTable, previous: number): number {
    const guess = table.next[previous]!;
    const start = this.p + 1;
    if (guess >= 0 && this.b[this.p] === QUOTE) {
      const end = start + table.lengths[guess]!;
      const words = table.words[guess]!;
      // Eight bytes of printable ASCII read as a double are a finite, non-zero number (their top byte is 0x20 to
      // 0x7e): two such doubles are equal exactly when their bytes are, whatever bytes the file has.
      if (
        end <= this.stop &&
        (words === 8
          ? this.view.getFloat64(start, true) === table.head[guess] &&
            this.view.getFloat64(end - 8, true) === table.tail[guess]
          : words === 4 &&
            this.view.getUint32(start - 1, true) === table.head[guess] &&
            this.view.getUint32(end - 4, true) === table.tail[guess])
      ) {
        this.p = end;
        return guess;
      }
    }
    return this.findKey(table, previous, start);
  }

  /** `readKey` for a key other than the expected one (or too short to compare in words), which it then expects. */
  private findKey(table: KeyTable, previous: number, start: number): number {
    const b = this.b;
    const stop = this.stop;
    if (b[this.p] !== QUOTE) return -1;
    let q = start;
    while (q < stop && b[q] !== QUOTE) q++;
    const length = q - start;
    if (q + 1 >= stop || b[q + 1] !== COLON || length > 16) return -1;
    this.p = q + 2;
    const ids = table.ids[length]!;
    const bytes = table.bytes[length]!;
    for (let k = 0, at = 0; k < ids.length; k++, at += length) {
      let i = 0;
      while (i < length && b[start + i] === bytes[at + i]) i++;
      if (i === length) {
        const id = ids[k]!;
        table.next[previous] = id;
        return id;
      }
    }
    return -1;
  }

  /**
   * The number whose text is `b[start, end)`, converted from that text as JSON.parse does. The last one converted is
   * remembered: a message record usually has the time of the frame before it, and converting costs ~150 ns.
   */
  private numberFromText(start: number, end: number): number {
    const b = this.b;
    const length = end - start;
    const last = this.lastText;
    let same = length === this.lastTextLength;
    for (let i = 0; same && i < length; i++) same = b[start + i] === last[i];
    if (same) return this.lastTextValue;
    let value = this.decimalValue(start, end);
    if (Number.isNaN(value)) {
      let text = '';
      for (let i = start; i < end; i++) text += String.fromCharCode(b[i]!);
      value = Number(text);
    }
    if (length <= last.length) {
      last.set(b.subarray(start, end));
      this.lastTextLength = length;
      this.lastTextValue = value;
    }
    return value;
  }

  /**
   * The number `b[start, end)` (digits, with a sign and a point) through `decimalToDouble`: NaN for more than 19
   * digits or 22 decimals, or where it cannot decide.
   */
  private decimalValue(start: number, end: number): number {
    const b = this.b;
    const negative = b[start] === 0x2d;
    let digits = 0;
    let point = -1;
    for (let i = negative ? start + 1 : start; i < end; i++) {
      if (b[i] === 0x2e) point = digits;
      else digits++;
    }
    const decimals = point < 0 ? 0 : digits - point;
    if (digits > 19 || decimals > 22) return Number.NaN;
    let high = 0;
    let low = 0;
    for (let i = negative ? start + 1 : start, k = 0; i < end; i++) {
      const c = b[i]!;
      if (c === 0x2e) continue;
      if (k++ < digits - 8) high = high * 10 + (c - ZERO);
      else low = low * 10 + (c - ZERO);
    }
    const value = decimalToDouble(high, low, decimals);
    return negative ? -value : value;
  }

  private readonly lastText = new Uint8Array(32);
  private lastTextLength = -1;
  private lastTextValue = Number.NaN;

  /**
   * A JSON number at `p` as JSON.parse reads it, or NaN for one with an exponent (or not a number). Up to 2^53 - 1
   * significant digits and 22 decimals it is m / 10^k, correctly rounded since both are exact doubles; longer ones are
   * converted from their text.
   */
  private readNumber(): number {
    const b = this.b;
    let p = this.p;
    const start = p;
    let negative = false;
    if (b[p] === 0x2d) {
      negative = true;
      p++;
    }
    let c = b[p]!;
    if (c < ZERO || c > NINE) return Number.NaN;
    let mantissa = 0;
    if (c === ZERO) {
      c = b[++p]!;
      if (c >= ZERO && c <= NINE) return Number.NaN;
    } else {
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        c = b[++p]!;
      }
    }
    let decimals = 0;
    if (c === 0x2e) {
      c = b[++p]!;
      if (c < ZERO || c > NINE) return Number.NaN;
      while (c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        decimals++;
        c = b[++p]!;
      }
    }
    this.p = p;
    if (c === 0x65 || c === 0x45 || p > this.stop) return Number.NaN;
    // Once past 2^53 the running mantissa may have been rounded, but it never falls back below the limit. Such
    // numbers (a time of 3.1500000000000004 ms is common) are read as JSON.parse reads them, from their text.
    if (mantissa > Number.MAX_SAFE_INTEGER || decimals > 22) return this.numberFromText(start, p);
    const value = decimals === 0 ? mantissa : mantissa / POW10[decimals]!;
    return negative ? -value : value;
  }

  /**
   * An integer in [min, max] at `p`, or -1. Not -0: the 32-bit columns would give it back as 0, where the record
   * sent as an object (a connection's first few of a batch) has -0.
   */
  private readUint(min: number, max: number): number {
    const b = this.b;
    let p = this.p;
    let c = b[p]!;
    if (c < ZERO || c > NINE) return -1;
    let value = c - ZERO;
    c = b[++p]!;
    if (value === 0) {
      if (c >= ZERO && c <= NINE) return -1;
    } else
      while (c >= ZERO && c <= NINE) {
        value = value * 10 + (c - ZERO);
        c = b[++p]!;
      }
    // A fraction or an exponent ("5.0" is 5 to JSON.parse): read as any number.
    if (c === 0x2e || c === 0x65 || c === 0x45) {
      const number = this.readNumber();
      return Number.isInteger(number) && number >= min && number <= max ? number : -1;
    }
    if (p > this.stop) return -1;
    this.p = p;
    // Past 2^53 the digits are summed inexactly, but such a value is above any `max` here whatever the rounding.
    return value >= min && value <= max ? value : -1;
  }

  /** `true` → 1, `false` → 0, else -1. */
  private readBool(): number {
    const b = this.b;
    const p = this.p;
    if (b[p] === 0x74 && b[p + 1] === 0x72 && b[p + 2] === 0x75 && b[p + 3] === 0x65) {
      this.p = p + 4;
      return 1;
    }
    if (b[p] === 0x66 && b[p + 1] === 0x61 && b[p + 2] === 0x6c && b[p + 3] === 0x73 && b[p + 4] === 0x65) {
      this.p = p + 5;
      return 0;
    }
    return -1;
  }

  /** "s2c" → 1, "c2s" → 0, else -1. */
  private readDir(): number {
    const b = this.b;
    const p = this.p;
    if (b[p] !== QUOTE || b[p + 2] !== 0x32 || b[p + 4] !== QUOTE) return -1;
    const first = b[p + 1];
    const last = b[p + 3];
    this.p = p + 5;
    if (first === 0x73 && last === 0x63) return 1;
    if (first === 0x63 && last === 0x73) return 0;
    return -1;
  }

  /** A quoted printable-ASCII string without escapes: moves `p` past it and returns where its text ends. */
  private readPlainString(): number {
    const b = this.b;
    if (b[this.p] !== QUOTE) return -1;
    let q = this.p + 1;
    for (;;) {
      if (q >= this.stop) return -1;
      const c = b[q]!;
      if (c === QUOTE) break;
      if (c < 0x20 || c === 0x5c || c > 0x7e) return -1;
      q++;
    }
    this.p = q + 1;
    return q;
  }

  /**
   * A quoted base64 string decoded into `out.payload`: its byte count, or -1 when it is not the canonical encoding of
   * its bytes (bad characters or length, misplaced padding, stray bits in the last group), which the columns would
   * not hold (re-encoding the bytes must give the text back).
   */
  private readPayload(out: ScannedRecord): number {
    const b = this.b;
    const stop = this.stop;
    let p = this.p;
    if (b[p++] !== QUOTE) return -1;
    out.dataStart = p;
    if (this.sameAsDecoded(out, p)) {
      p += this.decodedLength;
      this.p = p + 1;
      out.dataEnd = p;
      return out.payloadBytes;
    }
    // A new decoding, even if it fails halfway: the bytes it leaves are nobody's.
    out.payloadSerial = ++payloadSerials;
    let bytes = out.payload;
    let o = 0;
    for (;;) {
      if (b[p] === QUOTE) break;
      if (p + 4 > stop) return -1;
      if (o + 3 > bytes.length) {
        const grown = new Uint8Array(bytes.length * 2);
        grown.set(bytes.subarray(0, o));
        out.payload = bytes = grown;
      }
      const a = BASE64_VALUE[b[p]!]!;
      const b1 = BASE64_VALUE[b[p + 1]!]!;
      const c = BASE64_VALUE[b[p + 2]!]!;
      const d = BASE64_VALUE[b[p + 3]!]!;
      p += 4;
      if ((a | b1 | c | d) >= 0) {
        bytes[o++] = (a << 2) | (b1 >> 4);
        bytes[o++] = ((b1 & 15) << 4) | (c >> 2);
        bytes[o++] = ((c & 3) << 6) | d;
        continue;
      }
      // Padding: the last group only, "xx==" or "xxx=", with no stray bits before it.
      if (a < 0 || b1 < 0 || b[p - 1] !== EQUALS || b[p] !== QUOTE) return -1;
      if (c < 0) {
        if (b[p - 2] !== EQUALS || (b1 & 15) !== 0) return -1;
        bytes[o++] = (a << 2) | (b1 >> 4);
      } else {
        if ((c & 3) !== 0) return -1;
        bytes[o++] = (a << 2) | (b1 >> 4);
        bytes[o++] = ((b1 & 15) << 4) | (c >> 2);
      }
      break;
    }
    this.p = p + 1;
    out.dataEnd = p;
    out.payloadBytes = o;
    this.keepDecoded(out, out.dataStart, p);
    return o;
  }

  /**
   * The base64 text `out.payload` holds decoded (canonical, so printable ASCII), kept to see whether the next payload
   * is the same: a message record repeats its frame's payload, and comparing the text in 8-byte words is much
   * cheaper than decoding it and comparing the bytes with the frame's (the readers took ~8 % less time).
   */
  private decoded = new Uint8Array(256);
  private decodedView = new DataView(this.decoded.buffer);
  private decodedLength = -1;
  private decodedOut: ScannedRecord | null = null;
  private decodedSerial = 0;

  private keepDecoded(out: ScannedRecord, start: number, end: number): void {
    const length = end - start;
    if (length > this.decoded.length) {
      // Long payloads are seldom repeated by a record of another shape: not worth copying them every time.
      if (length > MAX_KEPT_TEXT) return;
      this.decoded = new Uint8Array(Math.max(length, this.decoded.length * 2));
      this.decodedView = new DataView(this.decoded.buffer);
    }
    const from = this.view;
    const to = this.decodedView;
    let i = 0;
    // Printable ASCII read as doubles: finite and non-zero, so copied bit for bit.
    for (; i + 8 <= length; i += 8) to.setFloat64(i, from.getFloat64(start + i, true), true);
    for (; i < length; i++) this.decoded[i] = this.b[start + i]!;
    this.decodedLength = length;
    this.decodedOut = out;
    this.decodedSerial = out.payloadSerial;
  }

  /** Whether the base64 text at `p` (up to its closing quote) is the one `out.payload` holds decoded. */
  private sameAsDecoded(out: ScannedRecord, p: number): boolean {
    const length = this.decodedLength;
    if (
      length < 0 ||
      out !== this.decodedOut ||
      out.payloadSerial !== this.decodedSerial ||
      p + length >= this.stop ||
      this.b[p + length] !== QUOTE
    )
      return false;
    const view = this.view;
    const kept = this.decodedView;
    // The kept text is finite, non-zero doubles: equal doubles are equal bytes whatever the line holds.
    if (length >= 8) {
      let i = 0;
      for (; i + 8 <= length; i += 8)
        if (view.getFloat64(p + i, true) !== kept.getFloat64(i, true)) return false;
      return i === length || view.getFloat64(p + length - 8, true) === kept.getFloat64(length - 8, true);
    }
    for (let i = 0; i < length; i++) if (this.b[p + i] !== this.decoded[i]) return false;
    return true;
  }

  /** "0123abcd" (8 lowercase hex digits, as the columns keep a mask key) as a number, or -1. */
  private readMaskKey(): number {
    const b = this.b;
    const p = this.p;
    if (b[p] !== QUOTE || b[p + 9] !== QUOTE) return -1;
    let value = 0;
    for (let i = 1; i <= 8; i++) {
      const c = b[p + i]!;
      const digit = c >= ZERO && c <= NINE ? c - ZERO : c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : -1;
      if (digit < 0) return -1;
      value = value * 16 + digit;
    }
    this.p = p + 10;
    return value;
  }

  /** "frame" → SCANNED_FRAME, "message" → SCANNED_MESSAGE, else 0. */
  private typeOf(from: number, to: number): number {
    const b = this.b;
    const length = to - from;
    if (
      length === 5 &&
      b[from] === 0x66 &&
      b[from + 1] === 0x72 &&
      b[from + 2] === 0x61 &&
      b[from + 3] === 0x6d &&
      b[from + 4] === 0x65
    )
      return SCANNED_FRAME;
    if (
      length === 7 &&
      b[from] === 0x6d &&
      b[from + 1] === 0x65 &&
      b[from + 2] === 0x73 &&
      b[from + 3] === 0x73 &&
      b[from + 4] === 0x61 &&
      b[from + 5] === 0x67 &&
      b[from + 6] === 0x65
    )
      return SCANNED_MESSAGE;
    return 0;
  }

  private scanFrame(out: ScannedRecord): boolean {
    if (this.b[this.p++] !== OPEN) return false;
    let seen = 0;
    out.maskKey = -1;
    out.messageId = -1;
    for (let key: number = FRAME_FIELDS.length; ;) {
      key = this.readKey(FRAME_KEYS, key);
      if (key < 0 || seen & (1 << key)) return false;
      seen |= 1 << key;
      let v: number;
      switch (key) {
        case 0:
          v = out.seq = this.readUint(0, MAX_U32);
          break;
        case 1:
          v = this.readDir();
          out.s2c = v === 1;
          break;
        case 2:
          v = out.offset = this.readNumber();
          // A count: finite and not negative (-0 passes, as in the record check).
          if (!(v >= 0)) return false;
          break;
        case 3:
          v = this.readBool();
          out.fin = v === 1;
          break;
        case 4:
          v = this.readBool();
          out.rsv1 = v === 1;
          break;
        case 5:
          v = this.readBool();
          out.rsv2 = v === 1;
          break;
        case 6:
          v = this.readBool();
          out.rsv3 = v === 1;
          break;
        case 7:
          v = out.opcode = this.readUint(0, 15);
          break;
        case 8:
          v = this.readBool();
          out.masked = v === 1;
          break;
        case 9:
          v = out.lengthEncoding = this.readUint(7, 64);
          if (v !== 7 && v !== 16 && v !== 64) return false;
          break;
        case 10:
          v = out.headerLength = this.readUint(2, 14);
          break;
        case 11:
          v = out.payloadLength = this.readUint(0, MAX_U32);
          break;
        case 12:
          v = this.readPayload(out);
          break;
        case 13:
          v = this.readBool();
          out.truncated = v === 1;
          break;
        case 14:
          v = out.maskKey = this.readMaskKey();
          break;
        default:
          // The columns mark "no message" with the largest 32-bit value.
          v = out.messageId = this.readUint(0, MAX_U32 - 1);
          break;
      }
      if (v < 0) return false;
      // A comma and the next key, or the object's end (written out: V8 left a call to a method here).
      const c = this.b[this.p++];
      if (c !== COMMA) {
        if (c === CLOSE) break;
        return false;
      }
    }
    return (seen & FRAME_REQUIRED) === FRAME_REQUIRED;
  }

  private scanMessage(out: ScannedRecord): boolean {
    if (this.b[this.p++] !== OPEN) return false;
    let seen = 0;
    out.utf8Valid = -1;
    for (let key: number = MESSAGE_FIELDS.length; ;) {
      key = this.readKey(MESSAGE_KEYS, key);
      if (key < 0 || seen & (1 << key)) return false;
      seen |= 1 << key;
      let v: number;
      switch (key) {
        case 0:
          v = out.id = this.readUint(0, MAX_U32);
          break;
        case 1:
          v = this.readDir();
          out.s2c = v === 1;
          break;
        case 2:
          v = out.opcode = this.readUint(0, 15);
          break;
        case 3:
          // Only single-frame messages are kept in columns.
          if (this.b[this.p++] !== 0x5b) return false;
          v = out.frame = this.readUint(0, MAX_U32);
          if (this.b[this.p++] !== 0x5d) return false;
          break;
        case 4:
          v = out.wireSize = this.readUint(0, MAX_U32);
          break;
        case 5:
          v = out.size = this.readUint(0, MAX_U32);
          break;
        case 6:
          v = this.readBool();
          out.compressed = v === 1;
          break;
        case 7:
          v = this.readPayload(out);
          break;
        case 8:
          v = this.readBool();
          out.truncated = v === 1;
          break;
        default:
          v = out.utf8Valid = this.readBool();
          break;
      }
      if (v < 0) return false;
      // A comma and the next key, or the object's end (written out: V8 left a call to a method here).
      const c = this.b[this.p++];
      if (c !== COMMA) {
        if (c === CLOSE) break;
        return false;
      }
    }
    return (seen & MESSAGE_REQUIRED) === MESSAGE_REQUIRED;
  }
}
