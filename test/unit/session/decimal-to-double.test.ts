import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalToDouble } from '../../../shared/session/decimal-to-double.js';

/** decimalToDouble of the decimal written `digits` (at most 19) with `decimals` of them after the point. */
function converted(digits: string, decimals: number): number {
  return decimalToDouble(Number(digits.slice(0, -8) || '0'), Number(digits.slice(-8)), decimals);
}

/** The same decimal as text, the way JSON.parse reads it. */
function parsed(digits: string, decimals: number): number {
  if (decimals === 0) return Number(digits);
  const point = digits.length - decimals;
  return Number(`${digits.slice(0, point) || '0'}.${digits.slice(point)}`);
}

describe('decimalToDouble', () => {
  it('gives the double JSON.parse gives for decimals of 16 to 19 digits, or declines', () => {
    let declined = 0;
    let runs = 0;
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{15,18}$/), fc.nat({ max: 22 }), (digits, places) => {
        const decimals = Math.min(places, digits.length);
        const value = converted(digits, decimals);
        runs++;
        if (Number.isNaN(value)) declined++;
        else expect(value, `${digits} / 10^${decimals}`).toBe(parsed(digits, decimals));
      }),
      { numRuns: 20_000 },
    );
    // Declining sends the text to Number(): rare, or the shortcut would not be worth having.
    expect(declined / runs).toBeLessThan(0.05);
  });

  it('reads back times that are sums of floats, written with 17 digits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.nat({ max: 20 }), (step, extra) => {
        const time = 2 + step * 0.05 + extra * 0.1;
        const text = String(time);
        if (!text.includes('.')) return;
        const [whole, fraction] = text.split('.') as [string, string];
        const digits = (whole + fraction).replace(/^0+/, '');
        if (digits.length > 19) return;
        const value = converted(digits, fraction.length);
        if (!Number.isNaN(value)) expect(value, text).toBe(time);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the double JSON.parse gives just below and above powers of two, where the gaps differ', () => {
    // 2^j written with d decimals, then moved down or up by a few hundred units of its last digit: the doubles below
    // 2^j are half as far apart as those above it (and the one just below has all its lower bits set).
    for (const [j, d] of [
      [10, 15],
      [1, 18],
      [20, 12],
      [-3, 18],
      [33, 9],
      [56, 0],
    ] as const) {
      const power = (10n ** BigInt(d) * 2n ** BigInt(Math.max(0, j))) / 2n ** BigInt(Math.max(0, -j));
      for (let step = -400n; step <= 400n; step++) {
        const digits = (power + step).toString();
        const value = converted(digits, d);
        if (!Number.isNaN(value)) expect(value, `${digits} / 10^${d}`).toBe(parsed(digits, d));
      }
    }
  });

  it('declines integers halfway between two doubles rather than round them the wrong way', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 2n ** 53n, max: 10n ** 19n - 1n }), (integer) => {
        const digits = integer.toString();
        const value = converted(digits, 0);
        // Between 2^k and 2^(k+1) the doubles are 2^(k-52) apart: halfway is an odd multiple of half that.
        const k = integer.toString(2).length - 1;
        const half = 2n ** BigInt(k - 53);
        const tie = integer % (2n * half) === half;
        if (tie) expect(value, digits).toBeNaN();
        else if (!Number.isNaN(value)) expect(value, digits).toBe(Number(digits));
      }),
      { numRuns: 20_000 },
    );
  });
});
