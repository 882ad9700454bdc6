/**
 * The double nearest to a decimal of up to 19 digits, worked out with exact products of doubles instead of parsing
 * its text: a session file's times are often sums of floats written with 17 digits (3.1500000000000004), past the
 * 2^53 where the digits themselves stop being an exact double. Where the decimal lies too close to halfway between
 * two doubles to tell with this arithmetic, the answer is NaN and the caller converts the text.
 */

/** 2^27 + 1: splits a double into two halves whose products are exact (Veltkamp). */
const SPLITTER = 134217729;
/** 10^0 to 10^22, every one an exact double. */
export const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);
/** How close to halfway between two doubles (in units of the gap between them) is too close to decide. */
const TIE_MARGIN = 2 ** -20;

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** Little-endian hosts keep a double's high word second (every platform this runs on). */
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/** The rounding error of `product` = a × b: a × b is exactly product + the result (no fused multiply-add in JS). */
function productError(a: number, b: number, product: number): number {
  let c = SPLITTER * a;
  const aHigh = c - (c - a);
  const aLow = a - aHigh;
  c = SPLITTER * b;
  const bHigh = c - (c - b);
  const bLow = b - bHigh;
  return aHigh * bHigh - product + aHigh * bLow + aLow * bHigh + aLow * bLow;
}

/**
 * `(high × 10^8 + low) / 10^decimals` correctly rounded (as JSON.parse reads the decimal), for integers
 * high < 10^11 and low < 10^8 and decimals ≤ 22; NaN when it cannot be decided here.
 */
export function decimalToDouble(high: number, low: number, decimals: number): number {
  const divisor = POW10[decimals]!;
  // The digits as an exact sum: sum (the nearest double) + rest (a small integer).
  const shifted = high * 1e8;
  const shiftedError = productError(high, 1e8, shifted);
  const sum = shifted + low;
  // Exact (Fast2Sum): shifted is 0 or at least 10^8 > low.
  const sumError = low - (sum - shifted);
  const rest = sumError + shiftedError;
  const quotient = sum / divisor;
  if (quotient === 0) return quotient;
  // What the quotient misses: (digits - quotient × divisor) / divisor, to a few units of 2^-53 of itself.
  const product = quotient * divisor;
  const missing = (sum - product - productError(quotient, divisor, product) + rest) / divisor;
  // The gap to the next double up: the bits of the quotient plus one.
  bits[0] = quotient;
  const lowWord = words[LOW]!;
  // A power of two has a smaller gap below it than above: not worth the care here.
  if (lowWord === 0 && (words[HIGH]! & 0xfffff) === 0) return Number.NaN;
  if (lowWord === 0xffffffff) {
    words[LOW] = 0;
    words[HIGH] = words[HIGH]! + 1;
  } else words[LOW] = lowWord + 1;
  const gap = bits[0] - quotient;
  const off = Math.abs(missing) / gap;
  // The quotient's own rounding and the rest can put it up to 1.5 gaps off: past 1.25, the double two gaps away may be
  // the nearest, which this does not look at.
  if (Math.abs(off - 0.5) <= TIE_MARGIN || off >= 1.25) return Number.NaN;
  return off < 0.5 ? quotient : missing > 0 ? quotient + gap : quotient - gap;
}
