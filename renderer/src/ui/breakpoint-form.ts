import type { HeldMessage, HoldRule, ReleaseHeldRequest } from '../../../shared/api/contract.js';
import {
  parseRuleText,
  ruleProblem,
  type MessageRule,
  type RuleOpcode,
} from '../../../shared/protocol/message-rule.js';
import { base64ToBytes, bytesToBase64, decodeUtf8, parseHex } from '../format/bytes.js';
import { checkJson } from './json-check.js';

export interface RuleForm {
  direction: HoldRule['direction'];
  /** URL pattern; empty: every connection. */
  url: string;
  opcode: RuleOpcode | '';
  match: 'none' | 'contains' | 'regex' | 'json';
  /** The text, the regex or the JSON path. */
  value: string;
  /** For a JSON path: the value it must equal (JSON when it parses, else a string); empty: it must exist. */
  equals: string;
}

export const EMPTY_RULE_FORM: RuleForm = {
  direction: 's2c',
  url: '',
  opcode: '',
  match: 'contains',
  value: '',
  equals: '',
};

/** The hold rule for the form, or what is wrong with it in words. */
export function holdRuleFromForm(form: RuleForm): { rule: HoldRule } | { error: string } {
  let rule: MessageRule = {};
  if (form.match !== 'none') {
    if (form.match === 'contains' && form.value === '')
      return { error: 'Contains: type the text to look for.' };
    if (form.match === 'json' && form.value.trim() === '') return { error: 'JSON path: e.g. $.type' };
    const text =
      form.match === 'json'
        ? `json:${form.value.trim()}${form.equals.trim() !== '' ? `=${form.equals.trim()}` : ''}`
        : `${form.match}:${form.value}`;
    const parsed = parseRuleText(text);
    if (typeof parsed === 'string') return { error: capitalise(parsed) };
    rule = parsed;
  }
  if (form.opcode !== '') rule.opcode = form.opcode;
  const problem = ruleProblem(rule);
  if (problem !== undefined) return { error: capitalise(problem) };
  return {
    rule: { direction: form.direction, rule, ...(form.url.trim() !== '' ? { url: form.url.trim() } : {}) },
  };
}

export type EditKind = 'text' | 'json' | 'binary';

/** What the edit box starts with: the payload as text, or as hex bytes for binary. */
export function editStart(held: HeldMessage): { kind: EditKind; data: string } {
  const bytes = base64ToBytes(held.base64);
  if (held.opcode === 2)
    return { kind: 'binary', data: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ') };
  const text = decodeUtf8(bytes);
  return { kind: checkJson(text).ok ? 'json' : 'text', data: text };
}

/** The releaseHeld request for an edit, or what is wrong with it in words (nothing is sent then). */
export function editRequest(
  id: string,
  kind: EditKind,
  data: string,
): { request: ReleaseHeldRequest } | { error: string } {
  if (kind === 'json') {
    const checked = checkJson(data);
    if (!checked.ok)
      return {
        error: `Not valid JSON${checked.line !== undefined ? ` (line ${checked.line}, column ${checked.column})` : ''}: ${checked.message}`,
      };
  }
  if (kind === 'binary') {
    const bytes = parseHex(data);
    if (!bytes) return { error: 'Binary takes hex bytes, e.g. "01 02 ff".' };
    return { request: { id, action: 'edit', kind, data: bytesToBase64(bytes) } };
  }
  return { request: { id, action: 'edit', kind, data } };
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
