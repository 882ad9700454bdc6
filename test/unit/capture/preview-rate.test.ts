import { describe, expect, it } from 'vitest';
import { PreviewRate } from '../../../main/capture/preview-rate.js';

/** Feeds frames of `size` preview bytes every `everyMs` from `from` to `to` (ms); returns the decisions. */
function feed(rate: PreviewRate, from: number, to: number, everyMs: number, size: number): boolean[] {
  const out: boolean[] = [];
  for (let t = from; t < to; t += everyMs) out.push(rate.note(t, size));
  return out;
}

describe('preview rate', () => {
  it('never cuts below the limit', () => {
    // 1 MB/s limit, 500 KB/s of traffic for 3 s.
    const rate = new PreviewRate(1_000_000);
    expect(feed(rate, 0, 3000, 10, 5_000).every((slim) => !slim)).toBe(true);
  });

  it('cuts once a window holds more than its share, and keeps cutting while the rate stays high', () => {
    const rate = new PreviewRate(1_000_000); // 250 KB per 250 ms window
    const decisions = feed(rate, 0, 2000, 1, 65_536); // ~65 MB/s
    expect(decisions.slice(0, 4)).toEqual([false, false, false, false]); // 4 × 64 KiB = 262 KB: the window's share
    expect(decisions[4]).toBe(true);
    expect(decisions.slice(4).every(Boolean)).toBe(true);
  });

  it('judges a single large frame by the traffic before it, so a few big messages keep their previews', () => {
    const rate = new PreviewRate(1_000_000);
    expect(rate.note(0, 65_536)).toBe(false);
    expect(rate.note(5, 65_536)).toBe(false);
    expect(rate.note(2000, 65_536)).toBe(false);
  });

  it('brings previews back after a window below half the limit', () => {
    const rate = new PreviewRate(1_000_000);
    feed(rate, 0, 1000, 1, 10_000); // 10 MB/s: cutting
    expect(rate.note(1000, 10)).toBe(true);
    // A quiet window (100 KB/s), then its end is judged: below half the limit.
    feed(rate, 1001, 1300, 10, 1_000);
    expect(rate.note(1300, 10)).toBe(false);
  });

  it('is off with a limit of 0', () => {
    const rate = new PreviewRate(0);
    expect(feed(rate, 0, 100, 1, 1 << 20).some(Boolean)).toBe(false);
  });
});

describe('preview rate after silence', () => {
  it('a frame after a whole quiet window keeps its preview', () => {
    const rate = new PreviewRate(1_000_000);
    feed(rate, 0, 300, 1, 10_000);
    expect(rate.note(300, 10)).toBe(true);
    expect(rate.note(900, 65_536)).toBe(false);
  });
});

describe('preview rate, looking ahead', () => {
  it('says whether a frame arriving now would be cut, counting silence since the last frame', () => {
    const rate = new PreviewRate(1_000_000);
    expect(rate.cuttingAt(0)).toBe(false);
    feed(rate, 0, 300, 1, 10_000);
    expect(rate.cuttingAt(300)).toBe(true);
    expect(rate.cuttingAt(1000)).toBe(false);
  });
});
