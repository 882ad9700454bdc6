/* eslint-disable no-control-regex -- matching control characters is what this module is for */
/**
 * Text from the network (header values, URLs, close reasons, payload previews) shown on a terminal must not drive it:
 * an ESC sequence can recolour, move the cursor, retitle the window or hide lines, and bidi controls reorder what is
 * shown. Like tshark, such characters are printed as visible escapes: C0 and DEL as \xNN (\t \r \n by name), C1 as
 * \u0085, bidi and invisible format characters as \u202e. Printable text, backslashes included, is unchanged.
 */

// C0 (except the allowed newline), DEL, C1, ALM, LRM/RLM, LRE..RLO, LRI..PDI, zero-width space/joiners, word joiner,
// invisible operators, BOM.
const UNSAFE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
const UNSAFE_WITH_NEWLINE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\r': '\\r', '\n': '\\n' };

function visible(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  const hex = code.toString(16).padStart(2, '0');
  return code < 0x80 ? `\\x${hex}` : `\\u${code.toString(16).padStart(4, '0')}`;
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
