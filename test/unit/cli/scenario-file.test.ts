import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../main/cli/scenario-file.js';
import { parseJsonWithPositions, positionOfPath } from '../../../shared/api/json-locate.js';

const problem = (text: string): string => {
  try {
    parseScenario(text, 'qa.json');
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error('no problem reported');
};

describe('JSON with positions', () => {
  it('knows where every value starts, by the path validators name', () => {
    const parsed = parseJsonWithPositions(
      '{\n  "steps": [\n    { "at": 5 },\n    {\n      "fault": { "kind": "x" }\n    }\n  ]\n}',
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toEqual({ steps: [{ at: 5 }, { fault: { kind: 'x' } }] });
    expect(parsed.positions.get('steps[0].at')).toEqual({ line: 3, column: 13 });
    expect(parsed.positions.get('steps[1].fault.kind')).toEqual({ line: 5, column: 26 });
    expect(positionOfPath(parsed.positions, 'steps[1].fault.code')).toEqual({ line: 5, column: 16 });
  });

  it('names the line and column of a syntax error', () => {
    expect(parseJsonWithPositions('{\n  "a": 1,\n}')).toEqual({
      ok: false,
      message: 'expected a field name in quotes, found "}"',
      position: { line: 3, column: 1 },
    });
    expect(parseJsonWithPositions('[1 2]')).toMatchObject({ position: { line: 1, column: 4 } });
    expect(parseJsonWithPositions('{"a": "open')).toMatchObject({ message: 'a string that is never closed' });
    expect(parseJsonWithPositions('{} x')).toMatchObject({
      message: 'unexpected "x" after the end of the JSON value',
    });
  });
});

describe('scenario files', () => {
  it('accepts faults and timed steps', () => {
    expect(
      parseScenario(
        '{"faults": {"suppressPongs": "s2c"}, "steps": [{"connection": 2, "at": 100, "fault": {"kind": "rst"}}]}',
        'qa.json',
      ),
    ).toEqual({
      faults: { suppressPongs: 's2c' },
      steps: [{ connection: 2, at: 100, fault: { kind: 'rst' } }],
    });
  });

  it('names file, line, column and field of each problem', () => {
    expect(
      problem('{\n  "steps": [\n    { "at": 5, "fault": { "kind": "close", "code": 1006 } }\n  ]\n}'),
    ).toBe(
      'qa.json:3:52: steps[0].fault.code: expected a close code that may be sent: 1000–1003, 1007–1014 or 3000–4999',
    );
    expect(problem('{\n  "steps": [\n    { "at": 5 }\n  ]\n}')).toBe(
      'qa.json:3:5: steps[0]: expected exactly one of fault, dropMessages, suppressPongs',
    );
    expect(problem('{"steps": [\n {"dropMessages": {"direction": "c2s", "rule": {"regex": "("}}}]}')).toMatch(
      /^qa\.json:2:48: steps\[0\]\.dropMessages\.rule: expected invalid regex "\(": /,
    );
    expect(problem('{"steps": [{"at": 1, "afterMessages": 2, "suppressPongs": "both"}]}')).toBe(
      'qa.json:1:12: steps[0]: expected at or afterMessages, not both',
    );
    expect(problem('{\n  "faults": { "idleTimeout": 5 }\n}')).toBe(
      'qa.json:2:30: faults.idleTimeout: expected no such field',
    );
    expect(problem('{"steps": [{"at": "soon", "suppressPongs": "s2c"}]}')).toBe(
      'qa.json:1:19: steps[0].at: expected integer',
    );
    expect(problem('{\n  "steps": [\n    { "at": 5, },\n  ]\n}')).toBe(
      'qa.json:3:16: not valid JSON: expected a field name in quotes, found "}"',
    );
    expect(problem('[]')).toBe('qa.json:1:1: (top level): expected object');
  });
});
