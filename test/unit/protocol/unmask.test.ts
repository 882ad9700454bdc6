import { describe, expect, it } from 'vitest';
import { unmaskInto } from '../../../shared/protocol/unmask.js';

/** Index of the first differing byte, -1 when equal (toEqual on 64 KiB arrays is slow). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** The definition: byte i of the payload is XORed with mask[i % 4]. */
function reference(src: Uint8Array, srcPos: number, count: number, index: number, mask: Uint8Array) {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = src[srcPos + i]! ^ mask[(index + i) % 4]!;
  return out;
}

describe('unmaskInto', () => {
  const mask = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
  const backing = new Uint8Array(70_000).map((_, i) => (i * 131 + 7) & 0xff);

  it('matches the byte-by-byte definition for every alignment of source and destination', () => {
    for (const count of [0, 1, 3, 4, 31, 32, 33, 125, 1027]) {
      for (let srcPos = 0; srcPos < 4; srcPos++) {
        for (let dstOffset = 0; dstOffset < 4; dstOffset++) {
          for (let index = 0; index < 4; index++) {
            const dstBacking = new Uint8Array(count + index + 8);
            const dst = dstBacking.subarray(dstOffset);
            dst.fill(0xee);
            unmaskInto(backing, srcPos, count, dst, index, mask);
            expect(dst.subarray(index, index + count)).toEqual(
              reference(backing, srcPos, count, index, mask),
            );
            // Nothing outside the target range is touched.
            expect(dst.subarray(0, index).every((b) => b === 0xee)).toBe(true);
            expect(dst.subarray(index + count).every((b) => b === 0xee)).toBe(true);
          }
        }
      }
    }
  });

  it('unmasks a payload arriving in pieces the same as in one piece', () => {
    const whole = new Uint8Array(5000);
    unmaskInto(backing, 11, 5000, whole, 0, mask);
    const pieces = new Uint8Array(5000);
    for (const [from, to] of [
      [0, 3],
      [3, 40],
      [40, 41],
      [41, 4097],
      [4097, 5000],
    ] as const)
      unmaskInto(backing, 11 + from, to - from, pieces, from, mask);
    expect(firstDifference(pieces, whole)).toBe(-1);
    expect(firstDifference(whole, reference(backing, 11, 5000, 0, mask))).toBe(-1);
  });
});
