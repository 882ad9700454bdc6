import type { Decoded } from '../../../shared/decoders/types.js';
import { compileSearch } from './search-pattern.js';

/** Decoded fields a filter can name, and the aliases users reach for. */
const FIELDS: Record<string, 'protocol' | 'kind' | 'event' | 'topic' | 'id'> = {
  protocol: 'protocol',
  kind: 'kind',
  type: 'kind',
  command: 'kind',
  event: 'event',
  method: 'event',
  target: 'event',
  operation: 'event',
  topic: 'topic',
  destination: 'topic',
  namespace: 'topic',
  id: 'id',
};

export const DECODED_FIELDS = Object.keys(FIELDS);

type Op = '=' | '!=' | '~' | '!~';
export type DecodedTest = (decoded: Decoded) => boolean;
export type DecodedQuery = { ok: true; test: DecodedTest } | { ok: false; error: string };

const CLAUSE = /^\s*([A-Za-z]+)\s*(==|=|!=|!~|~)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))\s*/;
const LOOKS_LIKE = /^\s*([A-Za-z]+)\s*(==|=|!=|!~|~)/;

function clause(field: 'protocol' | 'kind' | 'event' | 'topic' | 'id', op: Op, value: string): DecodedQuery {
  const read = (d: Decoded): string | undefined => {
    const v = d[field];
    return typeof v === 'string' ? v : undefined;
  };
  if (op === '=' || op === '!=') {
    const want = value.toLowerCase();
    const equal = (d: Decoded) => read(d)?.toLowerCase() === want;
    return { ok: true, test: op === '=' ? equal : (d) => !equal(d) };
  }
  const search = compileSearch(value, 'regex');
  if (!search.ok) return { ok: false, error: `${field} ${op} ${value}: ${search.error}` };
  const matches = (d: Decoded) => {
    const v = read(d);
    return v !== undefined && search.test(v);
  };
  return { ok: true, test: op === '~' ? matches : (d) => !matches(d) };
}

/**
 * A filter over decoded fields, e.g. `event = "chat:message"`, `topic ~ sensors/`, `kind = PUBLISH and topic ~ ^a/`.
 * `=`/`!=` compare case-insensitively, `~`/`!~` match a case-insensitive regular expression. Returns undefined when
 * the text is not such a query (it is then a plain payload search), an error when it starts like one but is not.
 */
export function parseDecodedQuery(text: string): DecodedQuery | undefined {
  const start = LOOKS_LIKE.exec(text);
  if (!start || !(start[1]!.toLowerCase() in FIELDS)) return undefined;
  const tests: DecodedTest[] = [];
  let rest = text;
  for (;;) {
    const match = CLAUSE.exec(rest);
    if (!match) return { ok: false, error: `Expected field = "value" at “${rest.trim().slice(0, 30)}”` };
    const field = FIELDS[match[1]!.toLowerCase()];
    if (!field)
      return {
        ok: false,
        error: `Unknown field “${match[1]}”; use ${['event', 'topic', 'id', 'kind', 'protocol'].join(', ')}`,
      };
    const raw = match[3] ?? match[4] ?? match[5] ?? '';
    const value = raw.replace(/\\(.)/g, '$1');
    const op = (match[2] === '==' ? '=' : match[2]) as Op;
    const compiled = clause(field, op, value);
    if (!compiled.ok) return compiled;
    tests.push(compiled.test);
    rest = rest.slice(match[0].length);
    if (rest.trim() === '') break;
    const joiner = /^(and|&&)\s+/i.exec(rest);
    if (!joiner) return { ok: false, error: `Join conditions with “and” (at “${rest.trim().slice(0, 30)}”)` };
    rest = rest.slice(joiner[0].length);
  }
  return { ok: true, test: (decoded) => tests.every((t) => t(decoded)) };
}
