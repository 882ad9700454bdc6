import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../shared/util/base64.js';

describe('toBase64', () => {
  it('gives the standard padded encoding of any byte range, small or past its reused buffer', () => {
    const bytes = fc.uint8Array({ maxLength: 5000 });
    fc.assert(
      fc.property(bytes, fc.nat(), fc.nat(), (data, a, b) => {
        const start = data.length ? a % (data.length + 1) : 0;
        const end = start + (data.length ? b % (data.length - start + 1) : 0);
        expect(toBase64(data, start, end)).toBe(Buffer.from(data.subarray(start, end)).toString('base64'));
        expect(toBase64(data)).toBe(Buffer.from(data).toString('base64'));
      }),
      { numRuns: 500 },
    );
  });

  it('returns strings that stay right after later calls reuse its buffer', () => {
    const first = toBase64(Uint8Array.of(1, 2, 3));
    toBase64(new Uint8Array(4096).fill(255));
    expect(first).toBe('AQID');
  });
});
