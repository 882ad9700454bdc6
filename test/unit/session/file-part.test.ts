import { describe, expect, it } from 'vitest';
import { PartCutter, partReadStart, splitFile } from '../../../renderer/src/session/file-part.js';

const text = new TextDecoder();
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Each part's lines as its reader gets them, the file fed in pieces of `piece` bytes. */
function partsOf(file: string, count: number, piece: number): string[] {
  const all = bytes(file);
  return splitFile(all.length, count).map((part) => {
    const cutter = new PartCutter(part);
    let out = '';
    for (let at = partReadStart(part); at < all.length && !cutter.done; at += piece)
      out += text.decode(cutter.cut(all.subarray(at, at + piece)));
    return out;
  });
}

describe('PartCutter', () => {
  it('gives every line to exactly one part, whole, in order, however the bytes arrive', () => {
    const lines = Array.from({ length: 40 }, (_, i) =>
      i % 7 === 3 ? '' : `{"n":${i},"x":"${'y'.repeat(i * 3)}"}`,
    );
    for (const file of [lines.join('\n') + '\n', lines.join('\r\n'), lines.join('\n')]) {
      for (const count of [2, 3, 4, 7])
        for (const piece of [1, 5, 64, 4096]) {
          const parts = partsOf(file, count, piece);
          expect(parts.join('')).toBe(file);
          // A part begins where a line begins and, but for the last, ends with a line break.
          parts.slice(0, -1).forEach((part) => expect(part === '' || part.endsWith('\n')).toBe(true));
        }
    }
  });

  it('leaves a part empty when one long line runs across it', () => {
    const file = `short\n${'x'.repeat(100)}\nend\n`;
    const parts = partsOf(file, 4, 7);
    expect(parts).toEqual(['short\n' + 'x'.repeat(100) + '\n', '', '', 'end\n']);
  });

  it('gives a part of no bytes no line (more parts than bytes)', () => {
    expect(partsOf('\n', 2, 1)).toEqual(['', '\n']);
    expect(partsOf('a\nb\n', 7, 1).join('')).toBe('a\nb\n');
  });

  it('starts a part at its first byte when a line begins exactly there', () => {
    const [first] = splitFile(100, 2);
    // A line ends just before the second part's first byte.
    const head = 'a'.repeat(first!.to - 1) + '\n';
    const file = head + 'b'.repeat(100 - head.length - 1) + '\n';
    expect(partsOf(file, 2, 3)).toEqual([head, file.slice(head.length)]);
  });
});

describe('splitFile', () => {
  it('covers the file with parts that follow each other, the first a little smaller than the rest', () => {
    for (const count of [1, 2, 3, 4])
      for (const size of [0, 1, 10, 999, 565_000_000]) {
        const parts = splitFile(size, count);
        expect(parts).toHaveLength(count);
        expect(parts[0]!.from).toBe(0);
        expect(parts[count - 1]!.to).toBe(size);
        parts.slice(1).forEach((part, k) => expect(part.from).toBe(parts[k]!.to));
        if (count > 1 && size > 100) {
          const sizes = parts.map((part) => part.to - part.from);
          expect(sizes[0]!).toBeLessThan(sizes[1]!);
          expect(sizes[0]!).toBeGreaterThan(sizes[1]! * 0.7);
          expect(Math.max(...sizes.slice(1)) - Math.min(...sizes.slice(1))).toBeLessThanOrEqual(1);
        }
      }
  });
});
