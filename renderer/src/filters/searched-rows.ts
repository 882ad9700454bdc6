import type { AppendRows } from './search-core.js';
import type { SearchMode } from './search-pattern.js';
import { compileSearch } from './search-pattern.js';

const decoder = new TextDecoder('utf-8', { fatal: false });
/** One character per byte: a chunk's bytes as one string, from which a row of ASCII is a substring. */
const bytewise = new TextDecoder('latin1');

/** A test of one row by event index; false for a row the searcher was never sent (as an empty text would give). */
export type RowTest = (index: number) => boolean;

const NOT_SENT = -1;

/** A row's bytes: all ASCII; some past ASCII; and among those, İ or the Kelvin sign (see `rowBytes`). */
const ASCII_ROW = 0;
const WIDE_ROW = 1;
const ASCII_LOWER_ROW = 2;

/** One chunk as sent, with what its rows are read from as text. */
interface Chunk {
  rows: AppendRows;
  /** Each row's ASCII_ROW, WIDE_ROW or ASCII_LOWER_ROW. */
  content: Uint8Array;
  /** The chunk's bytes a character each, made when a search first needs text. */
  bytewise?: string;
  /**
   * The same in lower case, made ahead of searches: a plain-text search for an ASCII needle finds its rows with one
   * native `indexOf` pass over the chunk (bytes past ASCII stay past ASCII in it, as in the rows' own text).
   */
  lower?: string;
  /** Wide rows' text, decoded from UTF-8 when first needed. */
  decoded: Map<number, string>;
}

/**
 * What a row's bytes hold, for plain-text search: only two characters past ASCII have an ASCII letter in their lower
 * case (İ, U+0130, lower-cases to "i" and a combining dot; the Kelvin sign, U+212A, to "k"), so only a row holding one
 * of them can match an ASCII needle where its bytes do not (a unit test checks the list against the engine's tables).
 */
function rowBytes(bytes: Uint8Array, start: number, end: number): number {
  let kind = ASCII_ROW;
  for (let p = start; p < end; p++) {
    const c = bytes[p]!;
    if (c < 0x80) continue;
    kind = WIDE_ROW;
    if (
      (c === 0xc4 && bytes[p + 1] === 0xb0) ||
      (c === 0xe2 && bytes[p + 1] === 0x84 && bytes[p + 2] === 0xaa)
    )
      return ASCII_LOWER_ROW;
  }
  return kind;
}

/**
 * One connection's rows as the searcher holds them: the payload bytes as sent, and text only where a search needs it.
 * A plain-text search for an ASCII needle reads the bytes themselves; otherwise a row of ASCII is a substring of its
 * chunk's bytes read a character per byte (one decode a chunk, not one a row), and only rows past ASCII are decoded
 * one by one. Decoding every row on arrival, as before, kept a core busy while a large file was read.
 */
export class SearchedRows {
  private readonly held: Chunk[] = [];
  /** Chunks before this one have their text made (`prepareText`). */
  private prepared = 0;
  /** For each event index, its chunk and its row in that chunk (NOT_SENT where none). */
  private chunkOf = new Int32Array(1024).fill(NOT_SENT);
  private rowOf = new Int32Array(1024);

  /** The rows as sent, in index order. */
  get chunks(): AppendRows[] {
    return this.held.map((chunk) => chunk.rows);
  }

  get chunkCount(): number {
    return this.held.length;
  }

  chunk(at: number): AppendRows {
    return this.held[at]!.rows;
  }

  /**
   * Row `row` of chunk `at` as UTF-8 text when its bytes are all ASCII: a slice of the chunk's text, with no decoding
   * of its own. Undefined for a row past ASCII.
   */
  asciiText(at: number, row: number): string | undefined {
    const chunk = this.held[at]!;
    if (chunk.content[row] !== ASCII_ROW) return undefined;
    const { bytes, offsets } = chunk.rows;
    chunk.bytewise ??= bytewise.decode(bytes);
    return chunk.bytewise.substring(offsets[row]!, offsets[row + 1]);
  }

  append(message: AppendRows): void {
    const chunk = this.held.length;
    const { indices, bytes, offsets } = message;
    const content = new Uint8Array(indices.length);
    for (let row = 0; row < content.length; row++)
      content[row] = rowBytes(bytes, offsets[row]!, offsets[row + 1]!);
    this.held.push({ rows: message, content, decoded: new Map() });
    const last = indices.length ? indices[indices.length - 1]! : -1;
    if (last >= this.chunkOf.length) this.grow(last + 1);
    for (let i = 0; i < indices.length; i++) {
      const index = indices[i]!;
      this.chunkOf[index] = chunk;
      this.rowOf[index] = i;
    }
  }

  private grow(needed: number): void {
    const capacity = Math.max(needed, this.chunkOf.length * 2);
    const chunkOf = new Int32Array(capacity).fill(NOT_SENT);
    chunkOf.set(this.chunkOf);
    const rowOf = new Int32Array(capacity);
    rowOf.set(this.rowOf);
    this.chunkOf = chunkOf;
    this.rowOf = rowOf;
  }

  private chunkAt(index: number): number {
    return index < this.chunkOf.length ? this.chunkOf[index]! : NOT_SENT;
  }

  /**
   * Makes the text of chunks that have none yet, until `until` (a `performance.now()` time) has passed; true once every
   * chunk has its text. Done when the searcher is idle, so that a first regex search need not decode a million rows.
   */
  prepareText(until: number): boolean {
    while (this.prepared < this.held.length) {
      const chunk = this.held[this.prepared]!;
      const { bytes, offsets, indices } = chunk.rows;
      chunk.bytewise ??= bytewise.decode(bytes);
      chunk.lower ??= chunk.bytewise.toLowerCase();
      for (let row = 0; row < indices.length; row++)
        if (chunk.content[row] !== ASCII_ROW && !chunk.decoded.has(row))
          chunk.decoded.set(row, decoder.decode(bytes.subarray(offsets[row], offsets[row + 1])));
      this.prepared++;
      if (performance.now() >= until) break;
    }
    return this.prepared === this.held.length;
  }

  /** Whether the row's recorded payload is only a preview of the real one. */
  truncated(index: number): boolean {
    const chunk = this.chunkAt(index);
    return chunk !== NOT_SENT && this.held[chunk]!.rows.truncated[this.rowOf[index]!] === 1;
  }

  /** The row's searchable text; empty for a row not sent. */
  text(index: number): string {
    const at = this.chunkAt(index);
    if (at === NOT_SENT) return '';
    const chunk = this.held[at]!;
    const { texts, bytes, offsets } = chunk.rows;
    const row = this.rowOf[index]!;
    const given = texts[row] ?? this.asciiText(at, row);
    if (given !== undefined) return given;
    let decoded = chunk.decoded.get(row);
    if (decoded === undefined) {
      decoded = decoder.decode(bytes.subarray(offsets[row], offsets[row + 1]));
      chunk.decoded.set(row, decoded);
    }
    return decoded;
  }

  /**
   * The test of `pattern` for this connection's rows, as `compileSearch` would test each row's text; null for an
   * invalid pattern (compileSearch says why).
   */
  matcher(pattern: string, mode: SearchMode): RowTest | null {
    if (mode === 'regex') {
      const compiled = compileSearch(pattern, 'regex');
      return compiled.ok ? (index) => compiled.test(this.text(index)) : null;
    }
    const needle = pattern.toLowerCase();
    const ascii = asciiNeedle(needle);
    const textHas = (index: number) => this.text(index).toLowerCase().includes(needle);
    if (!ascii || needle === '') return textHas;
    const hitsByChunk = new Map<number, Uint8Array>();
    return (index) => {
      const at = this.chunkAt(index);
      if (at === NOT_SENT) return false;
      const chunk = this.held[at]!;
      const { texts, bytes, offsets } = chunk.rows;
      const row = this.rowOf[index]!;
      if (texts[row] !== undefined) return textHas(index);
      if (chunk.lower !== undefined) {
        let hits = hitsByChunk.get(at);
        if (!hits) hitsByChunk.set(at, (hits = rowsHolding(chunk.lower, offsets, needle)));
        if (hits[row]) return true;
      } else if (findAsciiFolded(bytes, offsets[row]!, offsets[row + 1]!, ascii)) return true;
      return chunk.content[row] === ASCII_LOWER_ROW && textHas(index);
    };
  }
}

/** The lower-case needle's bytes when it is all ASCII, else null. */
function asciiNeedle(needle: string): Uint8Array | null {
  const bytes = new Uint8Array(needle.length);
  for (let i = 0; i < needle.length; i++) {
    const code = needle.charCodeAt(i);
    if (code >= 0x80) return null;
    bytes[i] = code;
  }
  return bytes;
}

/** 1 for each row (`offsets` as in AppendRows) whose part of `text` holds `needle` (not empty), else 0. */
function rowsHolding(text: string, offsets: Uint32Array, needle: string): Uint8Array {
  const hits = new Uint8Array(offsets.length - 1);
  let row = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    while (offsets[row + 1]! <= at) row++;
    if (at + needle.length <= offsets[row + 1]!) hits[row] = 1;
  }
  return hits;
}

/** Whether bytes[start, end) hold `needle` (lower-case ASCII), ASCII letters compared without case. */
function findAsciiFolded(bytes: Uint8Array, start: number, end: number, needle: Uint8Array): boolean {
  const length = needle.length;
  if (length === 0) return true;
  const first = needle[0]!;
  const last = end - length;
  for (let p = start; p <= last; p++) {
    let c = bytes[p]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== first) continue;
    let i = 1;
    while (i < length) {
      let d = bytes[p + i]!;
      if (d >= 0x41 && d <= 0x5a) d |= 0x20;
      if (d !== needle[i]) break;
      i++;
    }
    if (i === length) return true;
  }
  return false;
}
