import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../../shared/export/frame-encoder.js';
import { toBase64 } from '../../../shared/util/base64.js';
import { toHex } from '../../../shared/util/hex.js';
import { encodeFrame as referenceEncode } from '../../helpers/frame-encoder.js';
import { frame } from './session-fixture.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('frame encoder', () => {
  it('re-encodes the RFC 6455 §5.7 examples (unmasked and masked "Hello")', () => {
    const plain = encodeFrame(frame({ seq: 1, dir: 's2c', opcode: 1, payload: utf8('Hello') }));
    expect(toHex(plain.bytes)).toBe('810548656c6c6f');
    const masked = encodeFrame(
      frame({ seq: 1, dir: 'c2s', opcode: 1, payload: utf8('Hello'), maskKey: '37fa213d' }),
    );
    expect(toHex(masked.bytes)).toBe('818537fa213d7f9f4d5158');
    expect(masked.wireLength).toBe(11);
    expect(masked.missingPayloadBytes).toBe(0);
  });

  it('keeps the recorded length encoding, including non-minimal ones, and every header bit', () => {
    const nonMinimal = encodeFrame(
      frame({ seq: 1, dir: 's2c', opcode: 1, payload: utf8('abcde'), lengthEncoding: 16 }),
    );
    expect(toHex(nonMinimal.bytes)).toBe('817e00056162636465');
    const bits = encodeFrame(
      frame({
        seq: 1,
        dir: 's2c',
        opcode: 0,
        fin: false,
        rsv1: true,
        rsv2: true,
        rsv3: true,
        payload: new Uint8Array(0),
      }),
    );
    expect(toHex(bits.bytes)).toBe('7000');
    const sixtyFour = encodeFrame(frame({ seq: 1, dir: 's2c', opcode: 2, payload: new Uint8Array(65536) }));
    expect(toHex(sixtyFour.bytes.subarray(0, 10))).toBe('827f0000000000010000');
  });

  it('emits only the captured prefix of a truncated payload and reports what is missing', () => {
    const encoded = encodeFrame(
      frame({ seq: 1, dir: 'c2s', opcode: 2, payload: new Uint8Array(100).fill(7), payloadLength: 300 }),
    );
    expect(encoded.bytes).toHaveLength(4 + 4 + 100);
    expect(toHex(encoded.bytes.subarray(0, 4))).toBe('82fe012c');
    expect(encoded.wireLength).toBe(8 + 300);
    expect(encoded.missingPayloadBytes).toBe(200);
  });

  it('matches an independent encoder for any header bits, length encoding, mask and payload', () => {
    fc.assert(
      fc.property(
        fc.record({
          fin: fc.boolean(),
          rsv1: fc.boolean(),
          rsv2: fc.boolean(),
          rsv3: fc.boolean(),
          opcode: fc.integer({ min: 0, max: 15 }),
          mask: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
          payload: fc.uint8Array({ maxLength: 300 }),
          wide: fc.constantFrom<7 | 16 | 64 | undefined>(undefined, 16, 64),
        }),
        ({ fin, rsv1, rsv2, rsv3, opcode, mask, payload, wide }) => {
          const lengthEncoding = wide ?? (payload.length < 126 ? 7 : 16);
          const expected = referenceEncode({ fin, rsv1, rsv2, rsv3, opcode, mask, payload, lengthEncoding });
          const record = frame({
            seq: 1,
            dir: mask ? 'c2s' : 's2c',
            opcode,
            fin,
            rsv1,
            rsv2,
            rsv3,
            masked: mask !== undefined,
            ...(mask ? { maskKey: toHex(mask) } : {}),
            lengthEncoding,
            payload,
            data: toBase64(payload),
          });
          expect(toHex(encodeFrame(record).bytes)).toBe(toHex(expected));
        },
      ),
      { numRuns: 300 },
    );
  });
});
