import type { Decoded } from '../../../shared/decoders/types.js';
import { compileSearch } from './search-pattern.js';

/** The decoded fields a query tests. */
export const QUERY_FIELDS = ['protocol', 'kind', 'event', 'topic', 'id'] as const;
export type QueryField = (typeof QUERY_FIELDS)[number];

/** Decoded fields a filter can name, and the aliases users reach for. */
const FIELDS: Record<string, QueryField> = {
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

/** One condition of a query: a test of one field's value (undefined where the message has none). */
export interface Clause {
  field: QueryField;
  accepts: (value: string | undefined) => boolean;
}

/** A message matches when every clause accepts its field; `test` does that for a decoded message. */
export type DecodedQuery = { ok: true; clauses: Clause[]; test: DecodedTest } | { ok: false; error: string };

const CLAUSE = /^\s*([A-Za-z]+)\s*(==|=|!=|!~|~)\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))\s*/;
const LOOKS_LIKE = /^\s*([A-Za-z]+)\s*(==|=|!=|!~|~)/;

/** A field's value as a query reads it: strings only. */
export const queriedValue = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** A field of a decoded message as a query reads it. */
export const fieldValue = (decoded: Decoded, field: QueryField): string | undefined =>
  queriedValue(decoded[field]);

function clause(field: QueryField, op: Op, value: string): Clause | { error: string } {
  if (op === '=' || op === '!=') {
    const want = value.toLowerCase();
    const equal = (v: string | undefined) => v?.toLowerCase() === want;
    return { field, accepts: op === '=' ? equal : (v) => !equal(v) };
  }
  const search = compileSearch(value, 'regex');
  if (!search.ok) return { error: `${field} ${op} ${value}: ${search.error}` };
  const matches = (v: string | undefined) => v !== undefined && search.test(v);
  return { field, accepts: op === '~' ? matches : (v) => !matches(v) };
}

/**
 * A filter over decoded fields, e.g. `event = "chat:message"`, `topic ~ sensors/`, `kind = PUBLISH and topic ~ ^a/`.
 * `=`/`!=` compare case-insensitively, `~`/`!~` match a case-insensitive regular expression. Returns undefined when
 * the text is not such a query (it is then a plain payload search), an error when it starts like one but is not.
 */
export function parseDecodedQuery(text: string): DecodedQuery | undefined {
  const start = LOOKS_LIKE.exec(text);
  if (!start || !(start[1]!.toLowerCase() in FIELDS)) return undefined;
  const clauses: Clause[] = [];
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
    if ('error' in compiled) return { ok: false, error: compiled.error };
    clauses.push(compiled);
    rest = rest.slice(match[0].length);
    if (rest.trim() === '') break;
    const joiner = /^(and|&&)\s+/i.exec(rest);
    if (!joiner) return { ok: false, error: `Join conditions with “and” (at “${rest.trim().slice(0, 30)}”)` };
    rest = rest.slice(joiner[0].length);
  }
  return {
    ok: true,
    clauses,
    test: (decoded) => clauses.every(({ field, accepts }) => accepts(fieldValue(decoded, field))),
  };
}
