export type JsonCheck =
  { ok: true; value: unknown } | { ok: false; message: string; line?: number; column?: number };

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/;

/**
 * Offset of the first character where `text` stops being JSON. Engines word their errors differently (V8 no longer
 * gives a position for every error), so the composer finds the place itself. Iterative, so deep nesting is safe.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const skip = () => {
    while (i < text.length && WHITESPACE.has(text[i]!)) i++;
  };
  const value = (): boolean => {
    skip();
    const rest = text.slice(i, i + 8);
    const literal = ['true', 'false', 'null'].find((word) => rest.startsWith(word));
    if (literal) return ((i += literal.length), true);
    const match = (text[i] === '"' ? STRING : NUMBER).exec(
      text.slice(i, text[i] === '"' ? undefined : i + 400),
    );
    if (!match) return false;
    i += match[0].length;
    return true;
  };
  // Stack of open containers; each step parses one value or one punctuation mark.
  const stack: ('{' | '[')[] = [];
  let expectValue = true;
  for (;;) {
    skip();
    const c = text[i];
    if (expectValue) {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        skip();
        if (text[i] === (c === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          expectValue = false;
        } else if (c === '{') {
          if (!value() || text[i - 1] !== '"' || (skip(), text[i] !== ':')) return i;
          i++;
        }
        continue;
      }
      if (!value()) return i;
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (!top) return i < text.length ? i : -1;
    if (c === (top === '{' ? '}' : ']')) {
      stack.pop();
      i++;
    } else if (c === ',') {
      i++;
      if (top === '{') {
        skip();
        if (text[i] !== '"' || !value() || (skip(), text[i] !== ':')) return i;
        i++;
      }
      expectValue = true;
    } else return i;
  }
}

/** Parses JSON and, when it fails, says where (line and column, 1-based). */
export function checkJson(text: string): JsonCheck {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    const offset = jsonErrorOffset(text);
    return offset < 0 ? { ok: false, message } : { ok: false, message, ...lineAndColumn(text, offset) };
  }
}

export const prettyPrintJson = (value: unknown): string => JSON.stringify(value, null, 2);
