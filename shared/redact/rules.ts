/** Redaction rules: what counts as a secret in a session that is about to be shared. */

export type RedactionRule =
  | { kind: 'header'; name: string }
  /** Query parameters whose name contains `word` (case-insensitive), in URLs and request targets. */
  | { kind: 'query'; word: string }
  /** A JSON field by name (any depth, case-insensitive) or by path from the root (`$.user.pin`, `$.items[0].key`). */
  | { kind: 'json'; field: string }
  | { kind: 'regex'; source: string };

export const DEFAULT_HEADERS = ['Authorization', 'Proxy-Authorization', 'Cookie', 'Set-Cookie'] as const;
export const DEFAULT_QUERY_WORDS = ['token', 'key', 'secret', 'password', 'auth'] as const;
export const DEFAULT_JSON_FIELDS = [
  'password',
  'token',
  'access_token',
  'refresh_token',
  'secret',
  'api_key',
] as const;

export const defaultRules = (): RedactionRule[] => [
  ...DEFAULT_HEADERS.map((name): RedactionRule => ({ kind: 'header', name })),
  ...DEFAULT_QUERY_WORDS.map((word): RedactionRule => ({ kind: 'query', word })),
  ...DEFAULT_JSON_FIELDS.map((field): RedactionRule => ({ kind: 'json', field })),
];

/** How a rule is named in the redaction summary and on the command line's report. */
export function ruleLabel(rule: RedactionRule): string {
  switch (rule.kind) {
    case 'header':
      return `header:${rule.name}`;
    case 'query':
      return `query:${rule.word}`;
    case 'json':
      return `json:${rule.field}`;
    case 'regex':
      return `regex:${rule.source}`;
  }
}

export interface UserRules {
  /** Include the defaults (headers, query words, JSON fields above). */
  defaults: boolean;
  headers?: readonly string[];
  jsonFields?: readonly string[];
  regexes?: readonly string[];
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const JSON_PATH = /^\$(\.[^.[\]]+|\[(\d+|\*)\])+$/;

/** Problems with a user rule (a bad header name, JSON path or regular expression), or undefined. */
export function checkUserRules(rules: UserRules): string | undefined {
  for (const name of rules.headers ?? [])
    if (!HEADER_NAME.test(name)) return `header rule ${JSON.stringify(name)} is not a header name`;
  for (const field of rules.jsonFields ?? []) {
    if (field.trim() === '') return 'a JSON field rule is empty';
    if (field.startsWith('$') && !JSON_PATH.test(field))
      return `JSON path ${JSON.stringify(field)} is not of the form $.a.b or $.items[0].c`;
  }
  for (const source of rules.regexes ?? []) {
    if (source === '') return 'a regex rule is empty';
    try {
      if (new RegExp(source).test('')) return `regex ${JSON.stringify(source)} matches the empty string`;
    } catch (error) {
      return `regex ${JSON.stringify(source)} is invalid: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return undefined;
}

/** The rules to apply, defaults first, without duplicates. Throws a TypeError naming a bad rule. */
export function buildRules(rules: UserRules): RedactionRule[] {
  const problem = checkUserRules(rules);
  if (problem) throw new TypeError(problem);
  const all: RedactionRule[] = [
    ...(rules.defaults ? defaultRules() : []),
    ...(rules.headers ?? []).map((name): RedactionRule => ({ kind: 'header', name })),
    ...(rules.jsonFields ?? []).map((field): RedactionRule => ({ kind: 'json', field })),
    ...(rules.regexes ?? []).map((source): RedactionRule => ({ kind: 'regex', source })),
  ];
  const seen = new Set<string>();
  return all.filter((rule) => {
    const key = rule.kind === 'regex' ? ruleLabel(rule) : ruleLabel(rule).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
