/** A part of a file read on its own: the lines that begin at a byte in [from, to). */
export interface FilePart {
  from: number;
  to: number;
}

const NEWLINE = 0x0a;

/**
 * The first part's size against the others' (equal among themselves). Its reader shares the cores with the page
 * adopting its rows as they come, while a later part's rows wait until the parts before it are read: a first part a
 * little smaller is read a little sooner, and the page adopts the waiting rows while the last part is still read.
 */
const FIRST_PART_WEIGHT = 0.82;

/**
 * Cuts `size` bytes into `count` parts, the first somewhat smaller than the others (see FIRST_PART_WEIGHT). A part's
 * lines are found by `PartCutter`, so the cuts need not fall on line breaks.
 */
export function splitFile(size: number, count: number): FilePart[] {
  const weights = Array.from({ length: count }, (_, k) => (k === 0 && count > 1 ? FIRST_PART_WEIGHT : 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const parts: FilePart[] = [];
  let before = 0;
  for (let k = 0; k < count; k++) {
    const from = Math.floor((size * before) / total);
    before += weights[k]!;
    parts.push({ from, to: k === count - 1 ? size : Math.floor((size * before) / total) });
  }
  return parts;
}

/** Where reading a part begins: one byte early, to see whether a line begins at `from`. */
export const partReadStart = (part: FilePart): number => Math.max(0, part.from - 1);

/**
 * Picks a part's lines out of the file's bytes, fed in pieces from `partReadStart(part)` on: what comes before the
 * first line break at or after `from - 1` belongs to the part before, and the part ends with the line break at or
 * after `to - 1` (or at the end of the file). So the parts of a split file hold each line exactly once.
 */
export class PartCutter {
  /** The file position of the next byte fed. */
  private at: number;
  private started: boolean;
  private complete: boolean;

  constructor(private readonly part: FilePart) {
    this.at = partReadStart(part);
    this.started = part.from === 0;
    // A part of no bytes (more parts than bytes) holds no line.
    this.complete = part.from >= part.to;
  }

  /** Whether the part's last line break has been fed: no more bytes are needed. */
  get done(): boolean {
    return this.complete;
  }

  /** The bytes of `piece` (the file's next bytes) that belong to the part. */
  cut(piece: Uint8Array): Uint8Array {
    const base = this.at;
    this.at += piece.length;
    if (this.complete) return piece.subarray(0, 0);
    let start = 0;
    if (!this.started) {
      const newline = piece.indexOf(NEWLINE);
      if (newline < 0) return piece.subarray(0, 0);
      start = newline + 1;
      this.started = true;
      // A line that began before the part runs past its end: no line begins in the part.
      if (base + start >= this.part.to) {
        this.complete = true;
        return piece.subarray(0, 0);
      }
    }
    const lastByte = this.part.to - 1 - base;
    if (lastByte < piece.length) {
      const newline = piece.indexOf(NEWLINE, Math.max(start, lastByte));
      if (newline >= 0) {
        this.complete = true;
        return piece.subarray(start, newline + 1);
      }
    }
    return piece.subarray(start);
  }
}

/** Bytes asked for per read where the stream fills a buffer of ours (one buffer, reused for the whole file). */
const READ_BYTES = 1 << 20;

/**
 * A file's bytes from `from` on, as the browser streams them (the cheapest way to read a file there: about half the
 * CPU time of reading it in slices). Where the stream can fill a buffer of ours, each read goes into the same one:
 * a piece is then only good until the next is asked for (the reader takes each piece whole before that). Letting the
 * browser hand over a new buffer of up to 2 MiB per piece cost the reading thread about twice the CPU (fresh memory
 * for every piece: 350–480 ms against 150–270 ms for the bench's 565 MB). Ending the iteration early stops the
 * reading.
 */
export async function* fileBytes(file: Blob, from: number): AsyncGenerator<Uint8Array> {
  const stream = file.slice(from).stream() as ReadableStream<Uint8Array>;
  let own: ReadableStreamBYOBReader;
  try {
    own = stream.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream: the browser's pieces, as they come.
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      void reader.cancel().catch(() => undefined);
    }
  }
  let buffer = new ArrayBuffer(READ_BYTES);
  try {
    for (;;) {
      const { done, value } = await own.read(new Uint8Array(buffer));
      if (done || !value) return;
      yield value;
      // The read moved the buffer into `value`'s.
      buffer = value.buffer;
    }
  } finally {
    void own.cancel().catch(() => undefined);
  }
}
