import { decodeUtf8 } from './utf8.js';

/** Opcode names a rule can name (data messages and the three control frames). */
export const RULE_OPCODES = ['text', 'binary', 'close', 'ping', 'pong'] as const;
export type RuleOpcode = (typeof RULE_OPCODES)[number];
const OPCODE_NUMBER: Record<RuleOpcode, number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };

/** A JSON value a JSON path is compared with. */
export type JsonScalar = string | number | boolean | null;

/**
 * Which messages a rule matches: every criterion given must hold. `contains` and `regex` look at the payload as
 * UTF-8 text; `jsonPath` (e.g. `$.type`, `$.items[0].id`) must exist in the payload parsed as JSON, and equal `equals`
 * when that is given. Without `opcode` a rule matches data messages (text and binary) only.
 */
export interface MessageRule {
  opcode?: RuleOpcode;
  contains?: string;
  regex?: string;
  jsonPath?: string;
  equals?: JsonScalar;
}

export type PathSegment = string | number;

/** `$`, then `.name`, `[index]` or `["name"]` steps; an error message otherwise. */
export function parseJsonPath(path: string): PathSegment[] | string {
  if (!path.startsWith('$')) return `a JSON path starts with "$" (e.g. $.type), got ${JSON.stringify(path)}`;
  const segments: PathSegment[] = [];
  const step = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  step.lastIndex = 1;
  while (step.lastIndex < path.length) {
    const at = step.lastIndex;
    const match = step.exec(path);
    if (!match) return `JSON path ${JSON.stringify(path)}: cannot read from "${path.slice(at)}"`;
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3] ?? '""') as string);
  }
  return segments;
}

/** What is wrong with a rule (an invalid regex, a bad path, nothing to match), or undefined when it is usable. */
export function ruleProblem(rule: MessageRule): string | undefined {
  if (
    rule.opcode === undefined &&
    rule.contains === undefined &&
    rule.regex === undefined &&
    rule.jsonPath === undefined
  )
    return 'a rule needs at least one of opcode, contains, regex, jsonPath';
  if (rule.equals !== undefined && rule.jsonPath === undefined) return 'equals only with jsonPath';
  if (rule.regex !== undefined) {
    try {
      new RegExp(rule.regex);
    } catch (error) {
      return `invalid regex ${JSON.stringify(rule.regex)}: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (rule.jsonPath !== undefined) {
    const parsed = parseJsonPath(rule.jsonPath);
    if (typeof parsed === 'string') return parsed;
  }
  return undefined;
}

/** The message a rule looks at: its opcode (of the first frame) and its whole payload (unmasked, inflated). */
export interface RuleSubject {
  opcode: number;
  payload: Uint8Array;
}

export type CompiledRule = (message: RuleSubject) => boolean;

function lookup(value: unknown, path: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let current = value;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (!Array.isArray(current) || segment >= current.length) return { found: false };
      current = current[segment];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return { found: false };
      if (!Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return { found: true, value: current };
}

/** A predicate for a rule that passed `ruleProblem` (throws on one that did not). */
export function compileRule(rule: MessageRule): CompiledRule {
  const problem = ruleProblem(rule);
  if (problem !== undefined) throw new Error(problem);
  const opcode = rule.opcode !== undefined ? OPCODE_NUMBER[rule.opcode] : undefined;
  const regex = rule.regex !== undefined ? new RegExp(rule.regex) : undefined;
  const path = rule.jsonPath !== undefined ? (parseJsonPath(rule.jsonPath) as PathSegment[]) : undefined;
  const needsText = rule.contains !== undefined || regex !== undefined || path !== undefined;
  return (message) => {
    if (opcode !== undefined ? message.opcode !== opcode : message.opcode !== 1 && message.opcode !== 2)
      return false;
    if (!needsText) return true;
    const text = decodeUtf8(message.payload);
    if (rule.contains !== undefined && !text.includes(rule.contains)) return false;
    if (regex && !regex.test(text)) return false;
    if (path) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return false;
      }
      const found = lookup(parsed, path);
      if (!found.found) return false;
      if (rule.equals !== undefined && found.value !== rule.equals) return false;
    }
    return true;
  };
}

/** E.g. `text messages containing "auth"`, `$.type = "ping"`, `pong frames`. */
export function describeRule(rule: MessageRule): string {
  const parts: string[] = [];
  parts.push(
    rule.opcode === undefined
      ? 'messages'
      : `${rule.opcode} ${rule.opcode === 'text' || rule.opcode === 'binary' ? 'messages' : 'frames'}`,
  );
  if (rule.contains !== undefined) parts.push(`containing ${JSON.stringify(rule.contains)}`);
  if (rule.regex !== undefined) parts.push(`matching /${rule.regex}/`);
  if (rule.jsonPath !== undefined)
    parts.push(
      rule.equals !== undefined
        ? `with ${rule.jsonPath} = ${JSON.stringify(rule.equals)}`
        : `with ${rule.jsonPath}`,
    );
  return parts.join(' ');
}

/**
 * The command-line form of one criterion: `opcode:NAME`, `contains:TEXT`, `regex:PATTERN`, `json:PATH` or
 * `json:PATH=VALUE` (VALUE read as JSON when it parses, else as a string). Returns the rule or an error message.
 */
export function parseRuleText(text: string): MessageRule | string {
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const value = colon < 0 ? '' : text.slice(colon + 1);
  let rule: MessageRule;
  switch (kind) {
    case 'opcode': {
      const opcode = RULE_OPCODES.find((name) => name === value);
      if (!opcode) return `opcode must be one of ${RULE_OPCODES.join(', ')}, got ${JSON.stringify(value)}`;
      rule = { opcode };
      break;
    }
    case 'contains':
      if (value === '') return 'contains: needs the text to look for';
      rule = { contains: value };
      break;
    case 'regex':
      rule = { regex: value };
      break;
    case 'json': {
      const eq = value.indexOf('=');
      const jsonPath = eq < 0 ? value : value.slice(0, eq);
      rule = { jsonPath };
      if (eq >= 0) rule.equals = jsonScalar(value.slice(eq + 1));
      break;
    }
    default:
      return `a rule is opcode:NAME, contains:TEXT, regex:PATTERN or json:PATH[=VALUE], got ${JSON.stringify(text)}`;
  }
  return ruleProblem(rule) ?? rule;
}

function jsonScalar(text: string): JsonScalar {
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || ['string', 'number', 'boolean'].includes(typeof parsed))
      return parsed as JsonScalar;
  } catch {
    // Not JSON: the text itself.
  }
  return text;
}
