/**
 * Append-only log stored in fixed-size chunks. Appending never copies what is already stored (unlike growing one huge
 * array), and readers address entries by index. Deliberately not reactive: the store only publishes revision numbers.
 */
export class ChunkedLog<T> {
  private readonly chunks: T[][] = [];
  private count = 0;

  constructor(readonly chunkSize = 4096) {
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new RangeError('chunkSize must be a positive integer');
  }

  get length(): number {
    return this.count;
  }

  /** Appends and returns the index of the new entry. */
  push(value: T): number {
    const last = this.chunks[this.chunks.length - 1];
    if (last && last.length < this.chunkSize) last.push(value);
    else this.chunks.push([value]);
    return this.count++;
  }

  get(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    return this.chunks[Math.floor(index / this.chunkSize)]?.[index % this.chunkSize];
  }

  /** Entries in [start, end), in order. */
  *range(start = 0, end = this.count): IterableIterator<T> {
    const stop = Math.min(end, this.count);
    for (let i = Math.max(0, start); i < stop; i++) {
      yield this.chunks[Math.floor(i / this.chunkSize)]![i % this.chunkSize]!;
    }
  }

  get chunkCount(): number {
    return this.chunks.length;
  }
}
