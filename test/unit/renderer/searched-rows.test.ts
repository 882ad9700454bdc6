import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchedRows } from '../../../renderer/src/filters/searched-rows.js';

const encoder = new TextEncoder();

function appendOf(texts: (string | Uint8Array)[]) {
  const parts = texts.map((text) => (typeof text === 'string' ? encoder.encode(text) : text));
  const offsets = new Uint32Array(parts.length + 1);
  parts.forEach((part, i) => (offsets[i + 1] = offsets[i]! + part.length));
  const bytes = new Uint8Array(offsets[parts.length]!);
  parts.forEach((part, i) => bytes.set(part, offsets[i]));
  return {
    type: 'append' as const,
    key: 'k',
    indices: Uint32Array.from(texts, (_, i) => i * 2),
    offsets,
    bytes,
    texts: {},
    truncated: new Uint8Array(texts.length),
    kinds: new Uint8Array(texts.length),
  };
}

function rowsOf(texts: (string | Uint8Array)[]): SearchedRows {
  const rows = new SearchedRows();
  rows.append(appendOf(texts));
  return rows;
}

describe('SearchedRows', () => {
  it('knows every character past ASCII whose lower case holds ASCII (the plain-text search reads bytes for the rest)', () => {
    const lowersToAscii: number[] = [];
    for (let code = 0x80; code <= 0x10ffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const lower = String.fromCodePoint(code).toLowerCase();
      if ([...lower].some((c) => c.charCodeAt(0) < 0x80)) lowersToAscii.push(code);
    }
    expect(lowersToAscii).toEqual([0x130, 0x212a]);
  });

  it('finds an ASCII needle in any case, through İ and the Kelvin sign, and gives each row its text', () => {
    const texts = ['plain NEEDLE', 'caf\u00e9 needle', '\u212Aelvin', 'x\u0130y', 'nothing', '\u00ff\u00fe'];
    const rows = rowsOf(texts);
    const hits = (pattern: string, mode: 'text' | 'regex' = 'text') => {
      const test = rows.matcher(pattern, mode)!;
      return [0, 2, 4, 6, 8, 10, 12].filter((index) => test(index));
    };
    // Text made on demand, then ahead of the search (as the worker does when idle): the same answers.
    for (const prepared of [false, true]) {
      if (prepared) expect(rows.prepareText(Number.POSITIVE_INFINITY)).toBe(true);
      expect(hits('needle')).toEqual([0, 2]);
      expect(hits('kelvin')).toEqual([4]);
      expect(hits('xi')).toEqual([6]);
      expect(hits('CAFÉ')).toEqual([2]);
      expect(hits('^caf.\\s', 'regex')).toEqual([2]);
      expect(hits('\u00fe$', 'regex')).toEqual([10]);
      expect([0, 2, 4, 10, 12].map((index) => rows.text(index))).toEqual([
        ...texts.slice(0, 3),
        texts[5],
        '',
      ]);
    }
    expect(rows.matcher('(', 'regex')).toBeNull();
    // A needle across two rows' bytes is in neither row.
    const split = rowsOf(['a nee', 'dle b', 'needle']);
    split.prepareText(Number.POSITIVE_INFINITY);
    const test = split.matcher('needle', 'text')!;
    expect([0, 2, 4].map((index) => test(index))).toEqual([false, false, true]);
  });

  it('matches as the simple search does (lower-cased text includes the needle), with text made ahead or not', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        'needle',
        'NEEDLE',
        'Ne',
        '\u212A',
        'K',
        '\u0130',
        'I',
        '\u00df',
        '\u20ac',
        '"px"',
        ' ',
      ),
      fc.string({ maxLength: 4 }),
    );
    const row = fc.oneof(
      { weight: 4, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }) },
    );
    const lenient = new TextDecoder();
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), piece, fc.boolean(), (rows, needle, prepare) => {
        const searched = rowsOf(rows);
        if (prepare) searched.prepareText(Number.POSITIVE_INFINITY);
        const test = searched.matcher(needle, 'text')!;
        const texts = rows.map((r) => (typeof r === 'string' ? r : lenient.decode(r)));
        const expected = texts.map((text) => text.toLowerCase().includes(needle.toLowerCase()));
        expect(texts.map((_, i) => test(i * 2))).toEqual(expected);
        expect(texts.map((_, i) => searched.text(i * 2))).toEqual(texts);
      }),
      { numRuns: 1500 },
    );
  });

  it('makes text ahead in slices: a passed deadline stops it after one chunk', () => {
    const rows = rowsOf(['a']);
    rows.append({ ...appendOf(['b']), indices: Uint32Array.of(100) });
    expect(rows.prepareText(0)).toBe(false);
    expect(rows.prepareText(0)).toBe(true);
    expect(rows.text(100)).toBe('b');
  });
});
