import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BytePages, shiftPositions } from '../../../renderer/src/store/byte-pages.js';

/** How a payload reaches `appendBytes`: the scanner's reused buffer, a fresh array, or a view at an odd offset. */
type Source = 'scratch' | 'fresh' | 'offset';

const appendArb = fc.record({
  bytes: fc.oneof(
    { weight: 20, arbitrary: fc.uint8Array({ maxLength: 80 }) },
    { weight: 2, arbitrary: fc.uint8Array({ minLength: 200, maxLength: 3000 }) },
    // Above a quarter of a page: a buffer of its own.
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 255 }).map((v) => new Uint8Array(300_000).fill(v)) },
  ),
  source: fc.constantFrom<Source>('scratch', 'fresh', 'offset'),
});

const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

describe('BytePages', () => {
  it('gives back every payload appended, from any source, and after its pages are handed over', () => {
    fc.assert(
      fc.property(fc.array(appendArb, { maxLength: 60 }), (appends) => {
        const pages = new BytePages();
        const scratch = new Uint8Array(300_100);
        const wide = new Uint8Array(300_010);
        const positions = appends.map(({ bytes, source }) => {
          let from: Uint8Array;
          if (source === 'scratch') {
            // The same buffer each time, its old content overwritten (as a scanner decodes into one).
            scratch.fill(0xee, bytes.length, bytes.length + 16);
            scratch.set(bytes);
            from = scratch;
          } else if (source === 'offset') {
            wide.set(bytes, 3);
            from = wide.subarray(3);
          } else from = Uint8Array.from(bytes);
          return pages.appendBytes(from, bytes.length);
        });
        appends.forEach(({ bytes }, k) => {
          expect(same(pages.view(positions[k]!, bytes.length), bytes)).toBe(true);
          expect(pages.holds(positions[k]!, bytes, bytes.length)).toBe(true);
        });

        // Handed over (as a reader worker does) and adopted after what another log holds already.
        const { pages: handed, own } = pages.take();
        const adopter = new BytePages();
        const before = adopter.appendBytes(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 9);
        const moved = new Float64Array(positions.length);
        shiftPositions(Float64Array.from(positions), adopter.adopt(handed, own), moved, 0);
        appends.forEach(({ bytes }, k) =>
          expect(same(adopter.view(moved[k]!, bytes.length), bytes)).toBe(true),
        );
        expect([...adopter.view(before, 9)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        // Appending goes on after the adopted pages.
        const after = adopter.appendBytes(Uint8Array.of(7, 7, 7, 7, 7, 7, 7, 7, 7, 7), 10);
        expect([...adopter.view(after, 10)]).toEqual(Array(10).fill(7));
      }),
      { numRuns: 150 },
    );
  });
});
