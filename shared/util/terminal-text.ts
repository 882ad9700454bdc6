import { invisiblePattern } from './invisible-chars.js';

/**
 * Text from the network (header values, URLs, close reasons, payload previews) shown on a terminal must not drive it:
 * an ESC sequence can recolour, move the cursor, retitle the window or hide lines, and bidi controls reorder what is
 * shown. Like tshark, such characters are printed as visible escapes: C0 and DEL as \xNN (\t \r \n by name), C1 as
 * \u0085, bidi and invisible format characters as \u202e (\u{e0041} beyond the BMP). Which characters those are is
 * shared with the UI's markers (invisible-chars.ts). Printable text, backslashes included, is unchanged.
 */

const UNSAFE = invisiblePattern({ newline: true });
const UNSAFE_WITH_NEWLINE = invisiblePattern();

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, '0')}`;
  return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with terminal control, C1, bidi and invisible characters escaped. `keepNewlines` leaves "\n" alone, for
 * multi-line output the program composed itself (the sink of every `wsi` printer).
 */
export function escapeTerminal(text: string, options: { keepNewlines?: boolean } = {}): string {
  const pattern = options.keepNewlines ? UNSAFE : UNSAFE_WITH_NEWLINE;
  pattern.lastIndex = 0;
  return pattern.test(text) ? text.replace(pattern, visible) : text;
}
