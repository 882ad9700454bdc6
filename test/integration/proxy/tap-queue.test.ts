// Pure tests of the relay's capture queue (kept beside the proxy tests, which own this code).
import { describe, expect, it } from 'vitest';
import { FrameSkimmer } from '../../../main/proxy/frame-skimmer.js';
import { TapQueue } from '../../../main/proxy/tap-queue.js';
import { encodeFrame } from '../../helpers/frame-encoder.js';

const frame = (size: number, masked = false): Buffer =>
  Buffer.from(
    encodeFrame({ opcode: 2, payload: new Uint8Array(size), ...(masked ? { mask: [1, 2, 3, 4] } : {}) }),
  );

function chunked(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

describe('FrameSkimmer', () => {
  it('counts frame starts across every length encoding and any chunking', () => {
    const sizes = [0, 1, 125, 126, 65535, 65536, 70000];
    const stream = Buffer.concat(sizes.map((s, i) => frame(s, i % 2 === 0)));
    for (const chunk of [1, 3, 7, 1000, stream.length]) {
      const skimmer = new FrameSkimmer();
      const starts = chunked(stream, chunk).reduce((sum, c) => sum + skimmer.skim(c), 0);
      expect(starts).toBe(sizes.length);
      expect(skimmer.atBoundary).toBe(true);
    }
  });

  it('finds the next boundary without consuming', () => {
    const skimmer = new FrameSkimmer();
    const a = frame(300);
    skimmer.skim(a.subarray(0, 3)); // inside the 16-bit length
    const rest = Buffer.concat([a.subarray(3), frame(5)]);
    expect(skimmer.nextBoundary(rest)).toBe(a.length - 3);
    expect(skimmer.nextBoundary(rest.subarray(0, 10))).toBe(-1);
    expect(skimmer.skim(rest)).toBe(1);
  });
});

describe('TapQueue', () => {
  it('keeps everything, in order, while the consumer keeps up', () => {
    const queue = new TapQueue({ budgetBytes: 1024 });
    const got: Buffer[] = [];
    const stream = Buffer.concat([frame(100), frame(200), frame(50)]);
    for (const c of chunked(stream, 64)) {
      queue.push(c);
      queue.drain({ bytes: (b) => got.push(b), dropped: () => expect.fail('nothing should drop') });
    }
    expect(Buffer.concat(got).equals(stream)).toBe(true);
  });

  it('drops whole frames past the budget, reports exact counts and resumes on a boundary', () => {
    const queue = new TapQueue({ budgetBytes: 1000 });
    const frames = Array.from({ length: 20 }, () => frame(200)); // 204 bytes each
    for (const c of chunked(Buffer.concat(frames), 100)) queue.push(c);
    const kept: Buffer[] = [];
    const drops: [number, number][] = [];
    queue.drain({ bytes: (b) => kept.push(b), dropped: (f, b) => drops.push([f, b]) });
    // After draining, capture resumes at the next boundary.
    const later = frame(10);
    queue.push(later);
    queue.finish({ bytes: (b) => kept.push(b), dropped: (f, b) => drops.push([f, b]) });

    const keptBytes = Buffer.concat(kept);
    const droppedFrames = drops.reduce((s, [f]) => s + f, 0);
    const droppedBytes = drops.reduce((s, [, b]) => s + b, 0);
    expect(droppedFrames).toBeGreaterThan(0);
    expect(droppedBytes).toBe(droppedFrames * 204);
    expect(keptBytes.length + droppedBytes).toBe(20 * 204 + later.length);
    // What was kept is a sequence of whole frames: the skimmer agrees on the count.
    expect(new FrameSkimmer().skim(keptBytes)).toBe(21 - droppedFrames);
    expect(keptBytes.subarray(-later.length).equals(later)).toBe(true);
  });

  it('holds bytes while the consumer is not ready, and drains them when it is', () => {
    const queue = new TapQueue({ budgetBytes: 10_000 });
    let ready = false;
    const got: Buffer[] = [];
    const consumer = { bytes: (b: Buffer) => got.push(b), dropped: () => undefined, ready: () => ready };
    queue.push(frame(10));
    expect(queue.drain(consumer)).toBe(true);
    expect(got).toHaveLength(0);
    ready = true;
    expect(queue.drain(consumer)).toBe(false);
    expect(got).toHaveLength(1);
  });
});
