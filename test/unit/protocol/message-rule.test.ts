import { describe, expect, it } from 'vitest';
import {
  compileRule,
  describeRule,
  parseJsonPath,
  parseRuleText,
  ruleProblem,
} from '../../../shared/protocol/message-rule.js';

const text = (s: string) => ({ opcode: 1, payload: new TextEncoder().encode(s) });

describe('message rules', () => {
  it('match by opcode, contains, regex and JSON path, all criteria together', () => {
    expect(compileRule({ contains: 'auth' })(text('{"type":"auth"}'))).toBe(true);
    expect(compileRule({ contains: 'auth' })({ opcode: 9, payload: new TextEncoder().encode('auth') })).toBe(
      false,
    );
    expect(compileRule({ opcode: 'ping' })({ opcode: 9, payload: new Uint8Array() })).toBe(true);
    expect(compileRule({ regex: '^\\{"type":"(a|b)"' })(text('{"type":"b"}'))).toBe(true);
    const path = compileRule({ jsonPath: '$.items[1]["the id"]', equals: 7 });
    expect(path(text('{"items":[{},{"the id":7}]}'))).toBe(true);
    expect(path(text('{"items":[{},{"the id":"7"}]}'))).toBe(false);
    expect(path(text('not json'))).toBe(false);
    expect(compileRule({ jsonPath: '$.a' })(text('{"a":null}'))).toBe(true);
    expect(compileRule({ opcode: 'binary', contains: 'x' })(text('x'))).toBe(false);
  });

  it('name what is wrong: invalid regex, bad path, nothing to match, equals without a path', () => {
    expect(ruleProblem({ regex: '(' })).toMatch(/^invalid regex "\(": /);
    expect(ruleProblem({ jsonPath: '$.a..b' })).toBe('JSON path "$.a..b": cannot read from "..b"');
    expect(ruleProblem({})).toBe('a rule needs at least one of opcode, contains, regex, jsonPath');
    expect(ruleProblem({ contains: 'x', equals: 1 })).toBe('equals only with jsonPath');
    expect(parseJsonPath('$')).toEqual([]);
    expect(() => compileRule({ regex: '[' })).toThrow(/invalid regex/);
  });

  it('read the command-line form and describe rules in words', () => {
    expect(parseRuleText('json:$.type=heartbeat')).toEqual({ jsonPath: '$.type', equals: 'heartbeat' });
    expect(parseRuleText('json:$.n=3')).toEqual({ jsonPath: '$.n', equals: 3 });
    expect(parseRuleText('contains:a:b')).toEqual({ contains: 'a:b' });
    expect(parseRuleText('opcode:pong')).toEqual({ opcode: 'pong' });
    expect(parseRuleText('opcode:pang')).toMatch(/^opcode must be one of text, binary, close, ping, pong/);
    expect(parseRuleText('regex:(')).toMatch(/^invalid regex/);
    expect(parseRuleText('hello')).toMatch(/^a rule is opcode:NAME/);
    expect(describeRule({ opcode: 'text', contains: 'auth' })).toBe('text messages containing "auth"');
    expect(describeRule({ opcode: 'pong' })).toBe('pong frames');
    expect(describeRule({ jsonPath: '$.type', equals: 'ping' })).toBe('messages with $.type = "ping"');
  });
});
