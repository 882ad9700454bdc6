/**
 * Finds the values of secret JSON fields in payload bytes, tolerating a payload cut at the capture limit (a preview):
 * the scan stops where the bytes end, and a value cut there is masked up to the end.
 */

/** A byte range to mask and how: `text` (every byte becomes `*`) or a scalar (`0`/`null`, then spaces). */
export interface MaskSpan {
  start: number;
  end: number;
  style: 'text' | 'number' | 'literal';
  /** Index of the rule that matched (in the caller's list). */
  rule: number;
}

export type JsonPath = readonly (string | number)[];

/** Index of the rule a field at `path` (its last element is the field's own key) matches, or -1. */
export type FieldMatcher = (path: JsonPath) => number;

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

class Scanner {
  pos = 0;
  readonly spans: MaskSpan[] = [];
  /** Values that matched a rule (a masked object counts once, not once per scalar inside). */
  readonly matches: number[] = [];

  constructor(
    private readonly bytes: Uint8Array,
    private readonly match: FieldMatcher,
  ) {}

  private skipWs(): void {
    while (this.pos < this.bytes.length && WS.has(this.bytes[this.pos]!)) this.pos++;
  }

  /**
   * Reads a string starting at the opening quote. With `key`, returns its text (simple escapes decoded, bytes as
   * Latin-1: field names are ASCII); a value's text is not built.
   */
  private string(rule: number, key = false): string | null {
    const start = ++this.pos;
    let text = '';
    while (this.pos < this.bytes.length) {
      const b = this.bytes[this.pos]!;
      if (b === QUOTE) break;
      if (b === BACKSLASH) {
        const next = this.bytes[this.pos + 1];
        if (key && next !== undefined) text += String.fromCharCode(next);
        this.pos += 2;
        continue;
      }
      if (key) text += String.fromCharCode(b);
      this.pos++;
    }
    const end = Math.min(this.pos, this.bytes.length);
    if (rule >= 0 && end > start) this.spans.push({ start, end, style: 'text', rule });
    if (this.pos >= this.bytes.length) return null;
    this.pos++;
    return text;
  }

  private scalar(rule: number): void {
    const start = this.pos;
    while (this.pos < this.bytes.length) {
      const b = this.bytes[this.pos]!;
      if (b === 0x2c || b === 0x5d || b === 0x7d || WS.has(b)) break;
      this.pos++;
    }
    if (rule >= 0 && this.pos > start) {
      const first = this.bytes[start]!;
      const numeric = first === 0x2d || (first >= 0x30 && first <= 0x39);
      this.spans.push({ start, end: this.pos, style: numeric ? 'number' : 'literal', rule });
    }
  }

  /** One value; `rule` >= 0 when an enclosing field matched (everything inside is masked). False: not JSON here. */
  value(path: JsonPath, rule: number): boolean {
    this.skipWs();
    if (this.pos >= this.bytes.length) return true;
    const b = this.bytes[this.pos]!;
    if (b === 0x7b) return this.object(path, rule);
    if (b === 0x5b) return this.array(path, rule);
    if (b === QUOTE) {
      this.string(rule);
      return true;
    }
    if (b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e) {
      this.scalar(rule);
      return true;
    }
    return false;
  }

  private member(path: JsonPath, rule: number, key: string | number): boolean {
    const childPath = [...path, key];
    const own = rule >= 0 ? -1 : this.match(childPath);
    if (own >= 0) this.matches.push(own);
    return this.value(childPath, rule >= 0 ? rule : own);
  }

  private object(path: JsonPath, rule: number): boolean {
    this.pos++;
    for (;;) {
      this.skipWs();
      if (this.pos >= this.bytes.length) return true;
      const b = this.bytes[this.pos]!;
      if (b === 0x7d) {
        this.pos++;
        return true;
      }
      if (b === 0x2c) {
        this.pos++;
        continue;
      }
      if (b !== QUOTE) return false;
      const key = this.string(-1, true);
      if (key === null) return true;
      this.skipWs();
      if (this.pos >= this.bytes.length) return true;
      if (this.bytes[this.pos] !== 0x3a) return false;
      this.pos++;
      if (!this.member(path, rule, key)) return false;
    }
  }

  private array(path: JsonPath, rule: number): boolean {
    this.pos++;
    let index = 0;
    for (;;) {
      this.skipWs();
      if (this.pos >= this.bytes.length) return true;
      const b = this.bytes[this.pos]!;
      if (b === 0x5d) {
        this.pos++;
        return true;
      }
      if (b === 0x2c) {
        this.pos++;
        continue;
      }
      if (!this.member(path, rule, index++)) return false;
    }
  }
}

/**
 * Spans of the values of matching fields in a JSON text (object or array at the top), and the rule of each matched
 * field. Not JSON (or JSON that goes wrong midway): the spans found before that point.
 */
export function jsonSecretSpans(
  bytes: Uint8Array,
  match: FieldMatcher,
): { spans: MaskSpan[]; matches: number[] } {
  const scanner = new Scanner(bytes, match);
  let i = 0;
  while (i < bytes.length && WS.has(bytes[i]!)) i++;
  if (bytes[i] !== 0x7b && bytes[i] !== 0x5b) return { spans: [], matches: [] };
  scanner.pos = i;
  scanner.value([], -1);
  return { spans: scanner.spans, matches: scanner.matches };
}

/** Does `path` (root first, the field's key last) match a rule's field: a bare name (any depth) or a `$.` path. */
export function fieldMatches(field: string, path: JsonPath): boolean {
  if (!field.startsWith('$')) {
    const last = path[path.length - 1];
    return typeof last === 'string' && last.toLowerCase() === field.toLowerCase();
  }
  const steps: (string | number)[] = []; // '*' matches any key or index
  for (const m of field.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+|\*)\]/g)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else steps.push(m[2] === '*' ? '*' : Number(m[2]));
  }
  if (steps.length !== path.length) return false;
  return steps.every((step, i) => step === '*' || step === path[i]);
}
