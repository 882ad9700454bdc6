import { describe, expect, it } from 'vitest';
import { FrameParser } from '../../../shared/protocol/frame-parser.js';
import { concatBytes, encodeFrame } from '../../helpers/frame-encoder.js';

/** Parser throughput; skipped unless WSI_MEASURE=1 (prints MiB/s, asserts nothing about speed). */
describe.runIf(process.env['WSI_MEASURE'] === '1')('FrameParser throughput', () => {
  function measure(frameSize: number, masked: boolean): number {
    const frame = encodeFrame({
      opcode: 2,
      payload: new Uint8Array(frameSize).fill(0x61),
      ...(masked ? { mask: [1, 2, 3, 4] } : {}),
    });
    const stream = concatBytes(Array.from({ length: Math.ceil((16 << 20) / frame.length) }, () => frame));
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += 65536) chunks.push(stream.subarray(i, i + 65536));
    let best = 0;
    for (let round = 0; round < 5; round++) {
      const parser = new FrameParser({ direction: masked ? 'c2s' : 's2c' });
      const start = performance.now();
      let frames = 0;
      for (const chunk of chunks) frames += parser.accept(chunk).frames.length;
      const seconds = (performance.now() - start) / 1000;
      expect(frames).toBeGreaterThan(0);
      best = Math.max(best, stream.length / (1 << 20) / seconds);
    }
    console.log(`${frameSize} B frames, ${masked ? 'masked' : 'unmasked'}: ${best.toFixed(0)} MiB/s`);
    return best;
  }

  it('measures 1 KiB and 64 KiB frames', () => {
    for (const size of [1024, 65536]) for (const masked of [false, true]) measure(size, masked);
  });
});
