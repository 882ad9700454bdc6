/** Same-length masking of strings and bytes: lengths, offsets and structure survive redaction. */
import { encodeUtf8, isValidUtf8, decodeUtf8 } from '../protocol/utf8.js';
import type { MaskSpan } from './json-mask.js';

const STAR = 0x2a;
const SPACE = 0x20;

/** A copy of `bytes` with every span masked: text → `*`; numbers → `0` and spaces; literals → `null` and spaces. */
export function applySpans(
  bytes: Uint8Array,
  spans: readonly Pick<MaskSpan, 'start' | 'end' | 'style'>[],
): Uint8Array {
  const out = bytes.slice();
  for (const { start, end, style } of spans) {
    const from = Math.max(0, start);
    const to = Math.min(out.length, end);
    if (to <= from) continue;
    if (style === 'text') out.fill(STAR, from, to);
    else {
      const lead = style === 'number' || to - from < 4 ? [0x30] : [0x6e, 0x75, 0x6c, 0x6c];
      out.fill(SPACE, from, to);
      out.set(lead.slice(0, to - from), from);
    }
  }
  return out;
}

export interface CompiledRegex {
  re: RegExp;
  rule: number;
}

/** Byte spans of every regex match in `bytes` read as UTF-8 (as Latin-1 when not valid UTF-8). */
export function regexSpans(bytes: Uint8Array, regexes: readonly CompiledRegex[]): MaskSpan[] {
  if (regexes.length === 0 || bytes.length === 0) return [];
  const utf8 = isValidUtf8(bytes);
  const text = utf8 ? decodeUtf8(bytes) : String.fromCharCode(...bytes.subarray(0, 1 << 20));
  const spans: MaskSpan[] = [];
  const byteLength = (from: number, to: number): number =>
    utf8 ? encodeUtf8(text.slice(from, to)).length : to - from;
  for (const { re, rule } of regexes) {
    re.lastIndex = 0;
    // Matches come in order: byte offsets are counted on from the previous match, not from the start each time.
    let char = 0;
    let byte = 0;
    for (const m of text.matchAll(re)) {
      if (m[0] === '') continue;
      byte += byteLength(char, m.index);
      char = m.index;
      const length = byteLength(m.index, m.index + m[0].length);
      spans.push({ start: byte, end: byte + length, style: 'text', rule });
    }
  }
  return spans;
}

/** Counts replacements per rule index. */
export class RuleCounter {
  readonly counts: number[];
  constructor(size: number) {
    this.counts = new Array<number>(size).fill(0);
  }
  add(rule: number, n = 1): void {
    if (rule >= 0) this.counts[rule] = (this.counts[rule] ?? 0) + n;
  }
}

const mask = (text: string): string => '*'.repeat(text.length);

/** `text` with every regex match masked (same length, in characters). */
export function maskRegexes(text: string, regexes: readonly CompiledRegex[], counter?: RuleCounter): string {
  let out = text;
  for (const { re, rule } of regexes) {
    re.lastIndex = 0;
    out = out.replace(re, (match: string) => {
      if (match === '') return match;
      counter?.add(rule);
      return mask(match);
    });
  }
  return out;
}

const QUERY_PAIR = /([?&;])([^=&#\s"'<>]+)=([^&#\s"'<>]*)/g;

const decodeName = (name: string): string => {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
};

/**
 * Query parameter values whose name contains one of `words` (case-insensitive), masked wherever a `?name=value` or
 * `&name=value` appears in `text` (a URL, a request target, a request line, a message).
 */
export function maskQuery(
  text: string,
  words: readonly { word: string; rule: number }[],
  counter?: RuleCounter,
): string {
  if (words.length === 0 || !/[?&;][^=]+=/.test(text)) return text;
  return text.replace(QUERY_PAIR, (whole: string, sep: string, name: string, value: string) => {
    const lower = decodeName(name).toLowerCase();
    const hit = words.find(({ word }) => lower.includes(word.toLowerCase()));
    if (!hit || value === '') return whole;
    counter?.add(hit.rule);
    return `${sep}${name}=${mask(value)}`;
  });
}

export const maskAll = mask;
