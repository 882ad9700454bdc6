/**
 * One definition of the characters that must never reach a screen as themselves: controls (C0, DEL, C1), bidi
 * controls (they reorder what is shown: `invoice_<RLO>fdp.exe` displays as `invoice_exe.pdf`) and invisible format
 * characters (zero-width spaces and joiners, word joiner, invisible operators, BOM, soft hyphen, tag characters...).
 * The terminal printer (terminal-text.ts) escapes them; the renderer shows them as named markers.
 */

/** Character-class body of every such character except `\n` and `\t`, which a multi-line text view keeps. */
const INVISIBLE_CLASS =
  '\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u00ad\\u034f\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180e' +
  '\\u200b-\\u200f\\u2028-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\u3164\\ufeff\\uffa0\\ufff9-\\ufffb' +
  '\\u{e0000}-\\u{e007f}';

/**
 * A fresh global regex matching the characters above; `keep` lists the line-layout characters (`\n`, `\t`) a
 * multi-line view leaves alone. Without `keep` they match too.
 */
export function invisiblePattern(keep: { newline?: boolean; tab?: boolean } = {}): RegExp {
  const extra = `${keep.newline ? '' : '\\n'}${keep.tab ? '' : '\\t'}`;
  return new RegExp(`[${INVISIBLE_CLASS}${extra}]`, 'gu');
}

const NAMES: Record<number, [short: string, long: string]> = {
  0x00: ['NUL', 'NULL'],
  0x07: ['BEL', 'BELL'],
  0x08: ['BS', 'BACKSPACE'],
  0x09: ['TAB', 'CHARACTER TABULATION'],
  0x0a: ['LF', 'LINE FEED'],
  0x0b: ['VT', 'LINE TABULATION'],
  0x0c: ['FF', 'FORM FEED'],
  0x0d: ['CR', 'CARRIAGE RETURN'],
  0x1b: ['ESC', 'ESCAPE'],
  0x7f: ['DEL', 'DELETE'],
  0x85: ['NEL', 'NEXT LINE'],
  0x9b: ['CSI', 'CONTROL SEQUENCE INTRODUCER'],
  0xad: ['SHY', 'SOFT HYPHEN'],
  0x34f: ['CGJ', 'COMBINING GRAPHEME JOINER'],
  0x61c: ['ALM', 'ARABIC LETTER MARK'],
  0x115f: ['HCF', 'HANGUL CHOSEONG FILLER'],
  0x1160: ['HJF', 'HANGUL JUNGSEONG FILLER'],
  0x180e: ['MVS', 'MONGOLIAN VOWEL SEPARATOR'],
  0x200b: ['ZWSP', 'ZERO WIDTH SPACE'],
  0x200c: ['ZWNJ', 'ZERO WIDTH NON-JOINER'],
  0x200d: ['ZWJ', 'ZERO WIDTH JOINER'],
  0x200e: ['LRM', 'LEFT-TO-RIGHT MARK'],
  0x200f: ['RLM', 'RIGHT-TO-LEFT MARK'],
  0x2028: ['LSEP', 'LINE SEPARATOR'],
  0x2029: ['PSEP', 'PARAGRAPH SEPARATOR'],
  0x202a: ['LRE', 'LEFT-TO-RIGHT EMBEDDING'],
  0x202b: ['RLE', 'RIGHT-TO-LEFT EMBEDDING'],
  0x202c: ['PDF', 'POP DIRECTIONAL FORMATTING'],
  0x202d: ['LRO', 'LEFT-TO-RIGHT OVERRIDE'],
  0x202e: ['RLO', 'RIGHT-TO-LEFT OVERRIDE'],
  0x2060: ['WJ', 'WORD JOINER'],
  0x2061: ['FA', 'FUNCTION APPLICATION'],
  0x2062: ['IT', 'INVISIBLE TIMES'],
  0x2063: ['IS', 'INVISIBLE SEPARATOR'],
  0x2064: ['IP', 'INVISIBLE PLUS'],
  0x2066: ['LRI', 'LEFT-TO-RIGHT ISOLATE'],
  0x2067: ['RLI', 'RIGHT-TO-LEFT ISOLATE'],
  0x2068: ['FSI', 'FIRST STRONG ISOLATE'],
  0x2069: ['PDI', 'POP DIRECTIONAL ISOLATE'],
  0x3164: ['HF', 'HANGUL FILLER'],
  0xfeff: ['BOM', 'ZERO WIDTH NO-BREAK SPACE (BOM)'],
  0xffa0: ['HWHF', 'HALFWIDTH HANGUL FILLER'],
};

export const codePointLabel = (code: number): string =>
  `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** Short name for a marker ("RLO", "ZWSP", "TAG a", "U+0085") and a longer one for a tooltip. */
export function invisibleName(char: string): { short: string; long: string; code: number } {
  const code = char.codePointAt(0) ?? 0;
  const known = NAMES[code];
  if (known) return { short: known[0], long: `${codePointLabel(code)} ${known[1]}`, code };
  if (code >= 0xe0020 && code <= 0xe007e) {
    const ascii = String.fromCharCode(code - 0xe0000);
    return { short: `TAG ${ascii}`, long: `${codePointLabel(code)} TAG ${ascii}`, code };
  }
  const kind = code < 0x20 ? 'CONTROL' : code >= 0x80 && code <= 0x9f ? 'C1 CONTROL' : 'FORMAT CHARACTER';
  return { short: codePointLabel(code), long: `${codePointLabel(code)} ${kind}`, code };
}

export type VisibleSegment = string | { invisible: string; short: string; long: string };

/**
 * `text` cut into plain runs and the invisible characters between them (each with its names), for a view that draws
 * markers. Text without any comes back as one run.
 */
export function splitInvisible(
  text: string,
  keep: { newline?: boolean; tab?: boolean } = {},
): VisibleSegment[] {
  const pattern = invisiblePattern(keep);
  const segments: VisibleSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const at = match.index;
    if (at > last) segments.push(text.slice(last, at));
    const char = match[0];
    const { short, long } = invisibleName(char);
    segments.push({ invisible: char, short, long });
    last = at + char.length;
  }
  if (last < text.length || segments.length === 0) segments.push(text.slice(last));
  return segments;
}

/** `text` with each invisible character replaced by its marker in angle brackets ("invoice_⟨RLO⟩fdp.exe"). */
export function showInvisible(text: string, keep: { newline?: boolean; tab?: boolean } = {}): string {
  return text.replace(invisiblePattern(keep), (char) => `⟨${invisibleName(char).short}⟩`);
}
