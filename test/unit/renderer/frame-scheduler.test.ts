import { afterEach, describe, expect, it, vi } from 'vitest';
import { adaptiveFrameScheduler } from '../../../renderer/src/store/ingest.js';

describe('adaptiveFrameScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('holds a flush off for 100 ms after the user clicks or types, even one already waiting for its frame', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const frames: (() => void)[] = [];
    let input = Number.NEGATIVE_INFINITY;
    const schedule = adaptiveFrameScheduler(
      (fn) => void frames.push(fn),
      () => input,
    );
    const flush = vi.fn();
    schedule(flush);
    expect(frames).toHaveLength(1);
    input = performance.now();
    frames.shift()!();
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(98);
    expect(frames).toHaveLength(0);
    vi.advanceTimersByTime(3);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it('flushes on the next frame when there was no input and the last flush was cheap', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const frames: (() => void)[] = [];
    const schedule = adaptiveFrameScheduler(
      (fn) => void frames.push(fn),
      () => Number.NEGATIVE_INFINITY,
    );
    const flush = vi.fn();
    schedule(flush);
    frames.shift()!();
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it("after a long flush pauses as long before the next, but not for a backlog of a file's chunks", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
    const frames: (() => void)[] = [];
    const schedule = adaptiveFrameScheduler(
      (fn) => void frames.push(fn),
      () => Number.NEGATIVE_INFINITY,
    );
    const slow = (): void => void vi.advanceTimersByTime(40);
    schedule(slow);
    frames.shift()!();
    // The flush's cost is taken once the renders it caused (microtasks) are done.
    await Promise.resolve();

    const live = vi.fn(slow);
    schedule(live);
    expect(frames).toHaveLength(0);
    vi.advanceTimersByTime(41);
    frames.shift()!();
    expect(live).toHaveBeenCalledTimes(1);
    await Promise.resolve();

    // The last flush took 40 ms again.
    const backlog = vi.fn();
    schedule(backlog, true);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    expect(backlog).toHaveBeenCalledTimes(1);
  });
});
