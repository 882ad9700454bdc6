import { describe, expect, it } from 'vitest';
import { fileBytes, PartCutter, partReadStart, splitFile } from '../../../renderer/src/session/file-part.js';

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

/** What `fileBytes` gives from `from` on, each piece copied before the next is asked for (its buffer is reused). */
async function readAll(file: Blob, from: number): Promise<{ bytes: Uint8Array; pieces: number }> {
  const copies: Uint8Array[] = [];
  for await (const piece of fileBytes(file, from)) copies.push(piece.slice());
  const bytes = new Uint8Array(copies.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of copies) {
    bytes.set(piece, at);
    at += piece.length;
  }
  return { bytes, pieces: copies.length };
}

/** Equal bytes (toEqual on megabytes is slow). */
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('fileBytes', () => {
  const content = Uint8Array.from({ length: (5 << 20) + 123 }, (_, i) => (i * 7919) % 251);

  it('gives a file’s bytes from a position on, in order, whole', async () => {
    for (const from of [0, 1, 3 << 20, content.length - 1, content.length]) {
      const { bytes, pieces } = await readAll(new Blob([content]), from);
      expect(same(bytes, content.subarray(from))).toBe(true);
      if (from < content.length - (2 << 20)) expect(pieces).toBeGreaterThan(1);
    }
  });

  it('reads a stream that cannot fill a buffer of its own as it comes', async () => {
    const plain = (bytes: Uint8Array): Blob =>
      ({
        slice: (start: number) => plain(bytes.subarray(start)),
        stream: () =>
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (let at = 0; at < bytes.length; at += 100_000)
                controller.enqueue(bytes.slice(at, at + 100_000));
              controller.close();
            },
          }),
      }) as unknown as Blob;
    const { bytes } = await readAll(plain(content), 12_345);
    expect(same(bytes, content.subarray(12_345))).toBe(true);
  });

  it('stops reading when the reader stops early', async () => {
    let pieces = 0;
    for await (const piece of fileBytes(new Blob([content]), 0)) {
      expect(piece.length).toBeGreaterThan(0);
      if (++pieces === 2) break;
    }
    expect(pieces).toBe(2);
  });
});
