/**
 * JSON.parse with positions: the value, plus where each value starts (line and column, 1-based) by its path in the
 * notation validators use in their errors (`steps[2].fault.code`; the root is ''). Syntax errors name the line and
 * column too. For hand-written files (scenarios) whose problems must point at a line.
 */
export interface JsonPosition {
  line: number;
  column: number;
}

export type LocatedJson =
  | { ok: true; value: unknown; positions: Map<string, JsonPosition> }
  | { ok: false; message: string; position: JsonPosition };

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function parseJsonWithPositions(text: string): LocatedJson {
  const positions = new Map<string, JsonPosition>();
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const positionOf = (offset: number): JsonPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };

  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const skipSpace = (): void => {
    while (i < text.length && /[ \t\r\n]/.test(text[i]!)) i++;
  };
  const describe = (): string => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));

  const parseString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('a control character inside a string (escape it)');
      i++;
    }
    if (i >= text.length) fail('a string that is never closed', start);
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('an invalid escape in a string', start);
    }
  };

  const parseValue = (path: string): unknown => {
    skipSpace();
    positions.set(path, positionOf(i));
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      skipSpace();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail(`expected a field name in quotes, found ${describe()}`);
        const key = parseString();
        skipSpace();
        if (text[i] !== ':') fail(`expected ":" after "${key}", found ${describe()}`);
        i++;
        out[key] = parseValue(path ? `${path}.${key}` : key);
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail(`expected "," or "}" after the value of "${key}", found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      skipSpace();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(parseValue(`${path}[${out.length}]`));
        skipSpace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail(`expected "," or "]" in a list, found ${describe()}`);
      }
    }
    if (c === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 64),
    );
    if (!literal) return fail(`expected a value, found ${describe()}`);
    i += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };

  try {
    const value = parseValue('');
    skipSpace();
    if (i < text.length) fail(`unexpected ${describe()} after the end of the JSON value`);
    return { ok: true, value, positions };
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      return { ok: false, message: error.message, position: positionOf(error.offset) };
    throw error;
  }
}

/**
 * The position of `path`, or of its nearest ancestor that has one (a missing field is reported where its object
 * starts).
 */
export function positionOfPath(positions: Map<string, JsonPosition>, path: string): JsonPosition | undefined {
  let current = path;
  for (;;) {
    const found = positions.get(current);
    if (found) return found;
    if (current === '') return undefined;
    const cut = Math.max(current.lastIndexOf('.'), current.lastIndexOf('['));
    current = cut < 0 ? '' : current.slice(0, cut);
  }
}
