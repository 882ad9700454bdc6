import { describe, expect, it } from 'vitest';
import type { HeldMessage } from '../../../shared/api/contract.js';
import { releaseHeldRequest, setBreakpointsRequest } from '../../../shared/api/contract.js';
import {
  EMPTY_RULE_FORM,
  editRequest,
  editStart,
  holdRuleFromForm,
} from '../../../renderer/src/ui/breakpoint-form.js';

const held = (opcode: number, payload: Buffer): HeldMessage => ({
  id: 'c1-h1',
  conn: 'c1',
  url: 'ws://x/',
  direction: 's2c',
  opcode,
  size: payload.length,
  compressed: false,
  rule: 'messages',
  base64: payload.toString('base64'),
  truncated: false,
  heldAt: 0,
  timeoutAt: 60_000,
  onTimeout: 'forward',
  queued: 0,
});

const errorOf = (result: object): string | undefined =>
  'error' in result ? String(result.error) : undefined;

describe('breakpoint rule form', () => {
  it('builds rules the contract accepts', () => {
    const contains = holdRuleFromForm({ ...EMPTY_RULE_FORM, value: 'auth', url: '/feed' });
    expect(contains).toEqual({ rule: { direction: 's2c', url: '/feed', rule: { contains: 'auth' } } });
    const json = holdRuleFromForm({
      ...EMPTY_RULE_FORM,
      direction: 'both',
      match: 'json',
      value: '$.qty',
      equals: '3',
    });
    expect(json).toEqual({ rule: { direction: 'both', rule: { jsonPath: '$.qty', equals: 3 } } });
    const ping = holdRuleFromForm({ ...EMPTY_RULE_FORM, match: 'none', opcode: 'ping' });
    expect(ping).toEqual({ rule: { direction: 's2c', rule: { opcode: 'ping' } } });
    for (const built of [contains, json, ping])
      if ('rule' in built) expect(() => setBreakpointsRequest({ rules: [built.rule] })).not.toThrow();
  });

  it('says what is wrong: an invalid regex, an empty text, a bad path, nothing to match', () => {
    expect(errorOf(holdRuleFromForm({ ...EMPTY_RULE_FORM, match: 'regex', value: '(' }))).toMatch(
      /^Invalid regex "\(": /,
    );
    expect(holdRuleFromForm({ ...EMPTY_RULE_FORM, value: '' })).toEqual({
      error: 'Contains: type the text to look for.',
    });
    expect(errorOf(holdRuleFromForm({ ...EMPTY_RULE_FORM, match: 'json', value: 'type' }))).toContain(
      'A JSON path starts with "$"',
    );
    expect(holdRuleFromForm({ ...EMPTY_RULE_FORM, match: 'none' })).toEqual({
      error: 'A rule needs at least one of opcode, contains, regex, jsonPath',
    });
  });
});

describe('editing a held message', () => {
  it('starts from the payload: JSON as JSON, text as text, binary as hex', () => {
    expect(editStart(held(1, Buffer.from('{"a":1}')))).toEqual({ kind: 'json', data: '{"a":1}' });
    expect(editStart(held(1, Buffer.from('plain')))).toEqual({ kind: 'text', data: 'plain' });
    expect(editStart(held(2, Buffer.from([0, 255, 16])))).toEqual({ kind: 'binary', data: '00 ff 10' });
  });

  it('refuses invalid JSON or hex with the place, and builds valid requests', () => {
    expect(errorOf(editRequest('c1-h1', 'json', '{\n "a": }'))).toMatch(
      /^Not valid JSON \(line 2, column 7\)/,
    );
    expect(editRequest('c1-h1', 'binary', '0g')).toEqual({
      error: 'Binary takes hex bytes, e.g. "01 02 ff".',
    });
    const binary = editRequest('c1-h1', 'binary', 'ca fe');
    expect(binary).toEqual({ request: { id: 'c1-h1', action: 'edit', kind: 'binary', data: 'yv4=' } });
    if ('request' in binary) expect(() => releaseHeldRequest(binary.request)).not.toThrow();
  });
});
