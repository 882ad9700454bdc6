import { describe, expect, it } from 'vitest';
import { ChunkedLog } from '../../../renderer/src/store/chunked-log.js';

describe('ChunkedLog', () => {
  it('appends across chunk boundaries and reads back by index', () => {
    const log = new ChunkedLog<number>(4);
    for (let i = 0; i < 10; i++) expect(log.push(i * 10)).toBe(i);
    expect(log.length).toBe(10);
    expect(log.chunkCount).toBe(3);
    expect(log.get(0)).toBe(0);
    expect(log.get(3)).toBe(30);
    expect(log.get(4)).toBe(40);
    expect(log.get(9)).toBe(90);
  });

  it('returns undefined outside the stored range', () => {
    const log = new ChunkedLog<string>(2);
    log.push('a');
    expect(log.get(-1)).toBeUndefined();
    expect(log.get(1)).toBeUndefined();
    expect(log.get(0.5)).toBeUndefined();
  });

  it('iterates a range in order, clamped to the stored entries', () => {
    const log = new ChunkedLog<number>(3);
    for (let i = 0; i < 8; i++) log.push(i);
    expect([...log.range(2, 7)]).toEqual([2, 3, 4, 5, 6]);
    expect([...log.range(6, 100)]).toEqual([6, 7]);
    expect([...log.range()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...log.range(-5, 1)]).toEqual([0]);
  });

  it('never moves stored entries when it grows (chunks are filled, not reallocated)', () => {
    const log = new ChunkedLog<{ n: number }>(2);
    const first = { n: 1 };
    log.push(first);
    for (let i = 0; i < 1000; i++) log.push({ n: i });
    expect(log.get(0)).toBe(first);
    expect(log.chunkCount).toBe(501);
  });

  it('rejects a nonsensical chunk size', () => {
    expect(() => new ChunkedLog(0)).toThrow(RangeError);
  });
});
