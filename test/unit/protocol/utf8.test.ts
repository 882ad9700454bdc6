import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Validator, decodeUtf8, encodeUtf8, isValidUtf8 } from '../../../shared/protocol/utf8.js';
import { hex } from '../../helpers/frame-encoder.js';

const nodeDecoder = new TextDecoder('utf-8', { fatal: false });
const nodeStrict = new TextDecoder('utf-8', { fatal: true });

function nodeValid(bytes: Uint8Array): boolean {
  try {
    nodeStrict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe('UTF-8 validation', () => {
  it.each([
    ['', true],
    ['41 42', true],
    ['c2 80', true],
    ['df bf', true],
    ['e0 a0 80', true],
    ['ed 9f bf', true],
    ['ef bf bf', true],
    ['f0 90 80 80', true],
    ['f4 8f bf bf', true],
    ['ce ba e1 bd b9 cf 83 ce bc ce b5', true],
    ['c0 80', false], // overlong NUL
    ['c1 bf', false], // overlong
    ['e0 9f bf', false], // overlong 3-byte
    ['f0 8f bf bf', false], // overlong 4-byte
    ['ed a0 80', false], // surrogate U+D800
    ['ed bf bf', false], // surrogate U+DFFF
    ['f4 90 80 80', false], // U+110000
    ['f5 80 80 80', false],
    ['ff', false],
    ['80', false], // lone continuation
    ['c2', false], // truncated at end
    ['e2 82', false],
    ['f0 9f 98', false],
    ['c2 41', false],
  ])('%s -> %s', (text, valid) => {
    expect(isValidUtf8(hex(text))).toBe(valid);
  });

  it('carries state across fragments split inside a sequence', () => {
    const bytes = hex('48 f0 9f 98 80 e2 82 ac c3 a9');
    for (let cut1 = 0; cut1 <= bytes.length; cut1++) {
      for (let cut2 = cut1; cut2 <= bytes.length; cut2++) {
        const v = new Utf8Validator();
        v.push(bytes, 0, cut1);
        v.push(bytes, cut1, cut2);
        v.push(bytes.subarray(cut2));
        expect(v.finish()).toBe(true);
      }
    }
    const v = new Utf8Validator();
    expect(v.push(hex('e2 82'))).toBe(true);
    expect(v.finish()).toBe(false);
    v.reset();
    expect(v.push(hex('e2 82 ac')) && v.finish()).toBe(true);
  });

  it('agrees with TextDecoder on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(isValidUtf8(bytes)).toBe(nodeValid(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('decodeUtf8', () => {
  it('matches TextDecoder replacement behaviour on random and mostly-valid bytes', () => {
    const mostlyValid = fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([s, at, b]) => {
        const bytes = new Uint8Array(Buffer.from(s, 'utf8'));
        if (bytes.length > 0) bytes[at % bytes.length] = b;
        return bytes;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 40 }), mostlyValid), (bytes) => {
        expect(decodeUtf8(bytes)).toBe(nodeDecoder.decode(bytes));
        expect(decodeUtf8(bytes, { fatal: true })).toBe(nodeValid(bytes) ? nodeDecoder.decode(bytes) : null);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips strings through encodeUtf8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), (s) => {
        expect(Buffer.from(encodeUtf8(s))).toEqual(Buffer.from(s, 'utf8'));
        expect(decodeUtf8(encodeUtf8(s))).toBe(Buffer.from(s, 'utf8').toString('utf8'));
      }),
      { numRuns: 300 },
    );
    // A few hundred runs take well under a second; a machine shared with other work may need more.
  }, 30_000);

  it('decodes long inputs', () => {
    const s = 'héllo wörld ✓ 😀 '.repeat(5000);
    expect(decodeUtf8(encodeUtf8(s))).toBe(s);
  });
});
