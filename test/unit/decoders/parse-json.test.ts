import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../shared/decoders/types.js';

/** What JSON.parse says of the text: its value, or that it throws. */
function reference(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

describe('parseJson', () => {
  it('reads what JSON.parse reads and refuses what it refuses, including text that cannot begin JSON', () => {
    const texts = fc.oneof(
      fc.json(),
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.uint8Array({ maxLength: 40 }).map((bytes) => String.fromCharCode(...bytes)),
      fc
        .tuple(fc.constantFrom('', ' ', '\t', '\r\n', '\u00a0', '\ufeff'), fc.json())
        .map(([space, json]) => space + json),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const read = parseJson(text);
        const expected = reference(text);
        expect(read.ok).toBe(expected.ok);
        if (read.ok && expected.ok) expect(read.value).toEqual(expected.value);
        if (!read.ok) expect(read.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 5000 },
    );
  });

  it('says what is wrong with text that is not JSON at its first character', () => {
    expect(parseJson('\u0003\u0003')).toEqual({ ok: false, error: '"\\u0003" cannot begin a JSON value' });
    expect(parseJson('  ')).toEqual({ ok: false, error: 'no JSON value, the text is empty or blank' });
    expect(parseJson(' {"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });
});
