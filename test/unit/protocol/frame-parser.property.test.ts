import fc from 'fast-check';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FrameParser } from '../../../shared/protocol/frame-parser.js';
import { MessageAssembler } from '../../../shared/protocol/message-assembler.js';
import { PakoInflater } from '../../../shared/protocol/pako-inflater.js';
import { concatBytes, encodeFrame, splitAt, type FrameSpec } from '../../helpers/frame-encoder.js';
import { parseChunks } from './run-parser.js';

const require = createRequire(import.meta.url);
interface WsSenderStatic {
  frame(
    data: Buffer,
    options: {
      fin: boolean;
      rsv1: boolean;
      opcode: number;
      mask: boolean;
      readOnly: boolean;
      generateMask?: (mask: Buffer) => void;
    },
  ): Buffer[];
}
const WsSender = (require('ws') as { Sender: WsSenderStatic }).Sender;

const payloadArb = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 65530, max: 66000 }).map((n) => new Uint8Array(n).fill(n & 0xff)),
  },
);

const frameArb: fc.Arbitrary<FrameSpec> = fc.record({
  fin: fc.boolean(),
  rsv1: fc.boolean(),
  rsv2: fc.boolean(),
  rsv3: fc.boolean(),
  opcode: fc.integer({ min: 0, max: 15 }),
  mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
  payload: payloadArb,
});

describe('FrameParser properties', () => {
  it('parses random frame sequences in random chunkings back to what was encoded', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (specs, _seed, rawCuts) => {
          const encoded = specs.map(encodeFrame);
          const bytes = concatBytes(encoded);
          const cuts = rawCuts.map((c) => c % (bytes.length + 1));
          const run = parseChunks(splitAt(bytes, cuts), { direction: 's2c', maxCapturedPayload: 1 << 20 });
          expect(run.frames).toHaveLength(specs.length);
          let offset = 0;
          specs.forEach((spec, i) => {
            const frame = run.frames[i]!;
            const payload = spec.payload as Uint8Array;
            expect(frame.offset).toBe(offset);
            expect([frame.fin, frame.rsv1, frame.rsv2, frame.rsv3, frame.opcode]).toEqual([
              spec.fin,
              spec.rsv1,
              spec.rsv2,
              spec.rsv3,
              spec.opcode,
            ]);
            expect(frame.masked).toBe(spec.mask !== undefined);
            if (spec.mask) expect(Array.from(frame.maskKey!)).toEqual(Array.from(spec.mask));
            expect(frame.payloadLength).toBe(payload.length);
            expect(frame.headerLength + frame.payloadLength).toBe(encoded[i]!.length);
            expect(Buffer.from(frame.payload).equals(Buffer.from(payload))).toBe(true);
            offset += encoded[i]!.length;
          });
          expect(run.parser.offset).toBe(bytes.length);
          expect(run.parser.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("parses frames produced by ws's own Sender identically", () => {
    fc.assert(
      fc.property(
        fc.record({
          fin: fc.boolean(),
          rsv1: fc.boolean(),
          opcode: fc.constantFrom(0, 1, 2, 8, 9, 10),
          mask: fc.boolean(),
          payload: payloadArb,
        }),
        fc.integer({ min: 1, max: 50 }),
        (o, chunk) => {
          const data = Buffer.from(o.payload);
          const bytes = concatBytes(
            WsSender.frame(Buffer.from(data), {
              fin: o.fin,
              rsv1: o.rsv1,
              opcode: o.opcode,
              mask: o.mask,
              readOnly: false,
            }),
          );
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += chunk * 97) chunks.push(bytes.subarray(i, i + chunk * 97));
          const run = parseChunks(chunks, { direction: o.mask ? 'c2s' : 's2c', maxCapturedPayload: 1 << 20 });
          expect(run.frames).toHaveLength(1);
          const f = run.frames[0]!;
          expect([f.fin, f.rsv1, f.opcode, f.masked, f.payloadLength]).toEqual([
            o.fin,
            o.rsv1,
            o.opcode,
            o.mask,
            data.length,
          ]);
          expect(Buffer.from(f.payload).equals(data)).toBe(true);
          expect(f.violations).not.toContain('NON_MINIMAL_LENGTH');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('FrameParser fuzz', () => {
  const DEFLATE = [{ name: 'permessage-deflate', params: {} }];
  const CAP = 1024;

  function feedAll(bytes: Uint8Array, cuts: number[], direction: 'c2s' | 's2c'): void {
    const parser = new FrameParser({
      direction,
      extensions: DEFLATE,
      maxCapturedPayload: CAP,
      maxCompressedPayload: 4096,
    });
    const assembler = new MessageAssembler({
      direction,
      extensions: DEFLATE,
      inflater: new PakoInflater({ maxMessageSize: 1 << 20 }),
      maxCapturedPayload: CAP,
    });
    let index = 0;
    for (const chunk of splitAt(bytes, cuts)) {
      const result = parser.accept(chunk);
      expect(parser.bufferedBytes).toBeLessThanOrEqual(14 + 4096);
      for (const v of result.violations) expect(v.closeCode).toBeGreaterThanOrEqual(1002);
      for (const frame of result.frames) {
        expect(frame.payload.length).toBeLessThanOrEqual(CAP);
        assembler.accept(frame, index++);
      }
    }
    expect(parser.offset + parser.discardedBytes).toBe(bytes.length);
  }

  it('never throws, never hangs and stays bounded on random bytes', () => {
    const start = Date.now();
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(2000), { maxLength: 8 }),
        fc.boolean(),
        (bytes, cuts, c2s) => {
          feedAll(bytes, cuts, c2s ? 'c2s' : 's2c');
        },
      ),
      { numRuns: 2000 },
    );
    expect(Date.now() - start).toBeLessThan(20_000);
  });

  it('never throws on mutated valid streams', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (specs, mutations, cuts) => {
          const bytes = concatBytes(specs.map(encodeFrame)).slice();
          for (const [at, value] of mutations) if (bytes.length > 0) bytes[at % bytes.length] = value;
          feedAll(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
            's2c',
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
