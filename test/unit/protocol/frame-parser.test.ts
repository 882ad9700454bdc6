import { describe, expect, it } from 'vitest';
import { FrameParser } from '../../../shared/protocol/frame-parser.js';
import type { FrameParserOptions } from '../../../shared/protocol/types.js';
import { concatBytes, encodeFrame, encodeHeader, hex } from '../../helpers/frame-encoder.js';
import { bytesPerChunk, parseChunks } from './run-parser.js';

const S2C: FrameParserOptions = { direction: 's2c' };
const C2S: FrameParserOptions = { direction: 'c2s' };
const DEFLATE = [{ name: 'permessage-deflate', params: {} }];
const MASK = [0x37, 0xfa, 0x21, 0x3d];

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function one(bytes: Uint8Array, options: FrameParserOptions = S2C) {
  const run = parseChunks([bytes], options);
  expect(run.frames).toHaveLength(1);
  return { frame: run.frames[0]!, run };
}

describe('FrameParser: RFC 6455 §5.7 examples', () => {
  it('single-frame unmasked text', () => {
    const { frame, run } = one(hex('81 05 48 65 6c 6c 6f'));
    expect(frame).toMatchObject({
      offset: 0,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: 1,
      masked: false,
      lengthEncoding: 7,
      headerLength: 2,
      payloadLength: 5,
      truncated: false,
      violations: [],
    });
    expect(frame.maskKey).toBeUndefined();
    expect(text(frame.payload)).toBe('Hello');
    expect(run.violations).toEqual([]);
    expect(run.parser.offset).toBe(7);
    expect(run.parser.pending).toBe(0);
  });

  it('single-frame masked text', () => {
    const { frame } = one(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), C2S);
    expect(frame.masked).toBe(true);
    expect(Array.from(frame.maskKey!)).toEqual(MASK);
    expect(frame.headerLength).toBe(6);
    expect(text(frame.payload)).toBe('Hello');
    expect(frame.violations).toEqual([]);
  });

  it('fragmented unmasked text', () => {
    const run = parseChunks([hex('01 03 48 65 6c 80 02 6c 6f')], S2C);
    expect(run.frames.map((f) => [f.fin, f.opcode, f.offset, text(f.payload)])).toEqual([
      [false, 1, 0, 'Hel'],
      [true, 0, 5, 'lo'],
    ]);
  });

  it('ping and masked pong', () => {
    expect(one(hex('89 05 48 65 6c 6c 6f')).frame.opcode).toBe(9);
    const { frame } = one(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'), C2S);
    expect(frame.opcode).toBe(10);
    expect(text(frame.payload)).toBe('Hello');
  });

  it('256-byte binary with a 16-bit length', () => {
    const payload = new Uint8Array(256).map((_, i) => i);
    const { frame } = one(concatBytes([hex('82 7e 01 00'), payload]));
    expect(frame.lengthEncoding).toBe(16);
    expect(frame.headerLength).toBe(4);
    expect(frame.payload).toEqual(payload);
  });

  it('64 KiB binary with a 64-bit length', () => {
    const payload = new Uint8Array(65536).map((_, i) => i * 7);
    const { frame } = one(concatBytes([hex('82 7f 00 00 00 00 00 01 00 00'), payload]));
    expect(frame.lengthEncoding).toBe(64);
    expect(frame.headerLength).toBe(10);
    expect(frame.payloadLength).toBe(65536);
    expect(frame.payload).toEqual(payload);
    expect(frame.violations).toEqual([]);
  });
});

describe('FrameParser: header fields', () => {
  it('reads FIN, RSV1-3 and every opcode', () => {
    for (let opcode = 0; opcode < 16; opcode++) {
      for (const fin of [true, false]) {
        const bytes = encodeFrame({ opcode, fin, rsv1: true, rsv2: true, rsv3: true });
        const { frame } = one(bytes);
        expect([frame.opcode, frame.fin, frame.rsv1, frame.rsv2, frame.rsv3]).toEqual([
          opcode,
          fin,
          true,
          true,
          true,
        ]);
      }
    }
  });

  it.each([
    [0, 7, 2],
    [1, 7, 2],
    [125, 7, 2],
    [126, 16, 4],
    [127, 16, 4],
    [65535, 16, 4],
    [65536, 64, 10],
    [70000, 64, 10],
  ] as const)(
    'length %i uses the %i-bit encoding, header %i bytes (masked: +4)',
    (len, encoding, headerLength) => {
      const payload = new Uint8Array(len).map((_, i) => (i * 31) & 0xff);
      for (const masked of [false, true]) {
        const bytes = encodeFrame({ opcode: 2, payload, ...(masked ? { mask: MASK } : {}) });
        const { frame } = one(bytes, { direction: masked ? 'c2s' : 's2c', maxCapturedPayload: 1 << 20 });
        expect(frame.lengthEncoding).toBe(encoding);
        expect(frame.headerLength).toBe(headerLength + (masked ? 4 : 0));
        expect(frame.payloadLength).toBe(len);
        expect(frame.payload).toEqual(payload);
        expect(frame.violations).toEqual([]);
      }
    },
  );

  it('unmasks with every mask phase across byte-at-a-time chunks', () => {
    const payload = new Uint8Array(37).map((_, i) => i + 100);
    const bytes = encodeFrame({ opcode: 2, payload, mask: [1, 2, 3, 0xff] });
    for (const size of [1, 2, 3, 5, 7]) {
      const run = parseChunks(bytesPerChunk(bytes, size), C2S);
      expect(run.frames[0]!.payload).toEqual(payload);
    }
  });

  it('caps the kept payload and marks it truncated', () => {
    const payload = new Uint8Array(1000).map((_, i) => i);
    const bytes = encodeFrame({ opcode: 2, payload, mask: MASK });
    for (const size of [1, 10, 999, 5000]) {
      const run = parseChunks(bytesPerChunk(bytes, size), { direction: 'c2s', maxCapturedPayload: 100 });
      const frame = run.frames[0]!;
      expect(frame.payloadLength).toBe(1000);
      expect(frame.truncated).toBe(true);
      expect(frame.payload).toEqual(payload.subarray(0, 100));
    }
  });

  it('parses many frames from one chunk and one frame from many chunks', () => {
    const parts = [
      encodeFrame({ opcode: 1, payload: 'a' }),
      encodeFrame({ opcode: 9 }),
      encodeFrame({ opcode: 2, payload: new Uint8Array(300) }),
      encodeFrame({ opcode: 1, payload: 'last' }),
    ];
    const all = concatBytes(parts);
    const expectedOffsets = [0, 3, 5, 309];
    for (const size of [1, 2, 3, 4, 100, all.length]) {
      const run = parseChunks(bytesPerChunk(all, size), S2C);
      expect(run.frames.map((f) => f.offset)).toEqual(expectedOffsets);
      expect(text(run.frames[3]!.payload)).toBe('last');
      expect(run.parser.offset).toBe(all.length);
      expect(run.parser.pending).toBe(0);
    }
  });

  it('reports pending bytes of an incomplete frame', () => {
    const parser = new FrameParser(S2C);
    const bytes = encodeFrame({ opcode: 2, payload: new Uint8Array(200) });
    expect(parser.accept(bytes.subarray(0, 3)).frames).toEqual([]);
    expect(parser.pending).toBe(3);
    expect(parser.accept(bytes.subarray(3, 50)).frames).toEqual([]);
    expect(parser.pending).toBe(50);
    expect(parser.accept(bytes.subarray(50)).frames).toHaveLength(1);
    expect(parser.pending).toBe(0);
  });

  it('streams a frame with a huge 64-bit length without buffering it', () => {
    const parser = new FrameParser({ direction: 's2c', maxCapturedPayload: 1024 });
    const length = 2 ** 40 + 3;
    const header = encodeHeader({ opcode: 2, payloadLength: length });
    expect(header.length).toBe(10);
    parser.accept(header);
    const block = new Uint8Array(1 << 20).fill(0xab);
    for (let i = 0; i < 8; i++) expect(parser.accept(block).frames).toEqual([]);
    expect(parser.pending).toBe(10 + 8 * block.length);
    expect(parser.bufferedBytes).toBe(1024);
  });

  it('parses a close body', () => {
    const body = concatBytes([hex('03 e8'), new TextEncoder().encode('bye ✓')]);
    expect(one(encodeFrame({ opcode: 8, payload: body })).frame.close).toEqual({
      code: 1000,
      reason: 'bye ✓',
    });
    expect(one(encodeFrame({ opcode: 8, payload: hex('0f a0') })).frame.close).toEqual({ code: 4000 });
    expect(one(encodeFrame({ opcode: 8 })).frame.close).toEqual({});
  });
});

describe('FrameParser: violations', () => {
  function codesOf(bytes: Uint8Array, options: FrameParserOptions = S2C): string[] {
    const run = parseChunks([bytes], options);
    const fromFrames = run.frames.flatMap((f) => f.violations);
    expect(run.violations.map((v) => v.code)).toEqual(fromFrames);
    for (const v of run.violations) {
      expect(run.frames[v.frameIndex!]!.violations).toContain(v.code);
      expect(v.offset).toBe(run.frames[v.frameIndex!]!.offset);
      expect(v.message.length).toBeGreaterThan(0);
    }
    return fromFrames;
  }

  it.each([
    ['UNMASKED_CLIENT_FRAME', encodeFrame({ opcode: 1, payload: 'x' }), C2S, 1002],
    ['MASKED_SERVER_FRAME', encodeFrame({ opcode: 1, payload: 'x', mask: MASK }), S2C, 1002],
    ['RSV1_UNNEGOTIATED', encodeFrame({ opcode: 1, rsv1: true }), S2C, 1002],
    ['RSV2_UNNEGOTIATED', encodeFrame({ opcode: 1, rsv2: true }), S2C, 1002],
    ['RSV3_UNNEGOTIATED', encodeFrame({ opcode: 1, rsv3: true }), S2C, 1002],
    [
      'RSV1_ON_CONTINUATION',
      encodeFrame({ opcode: 0, rsv1: true }),
      { direction: 's2c', extensions: DEFLATE },
      1002,
    ],
    [
      'RSV1_ON_CONTROL',
      encodeFrame({ opcode: 9, rsv1: true }),
      { direction: 's2c', extensions: DEFLATE },
      1002,
    ],
    ['RESERVED_OPCODE', encodeFrame({ opcode: 3 }), S2C, 1002],
    ['RESERVED_OPCODE', encodeFrame({ opcode: 0xb }), S2C, 1002],
    ['CONTROL_FRAME_TOO_LONG', encodeFrame({ opcode: 9, payload: new Uint8Array(126) }), S2C, 1002],
    ['CONTROL_FRAME_FRAGMENTED', encodeFrame({ opcode: 10, fin: false }), S2C, 1002],
    [
      'NON_MINIMAL_LENGTH',
      encodeFrame({ opcode: 2, payload: new Uint8Array(125), lengthEncoding: 16 }),
      S2C,
      1002,
    ],
    [
      'NON_MINIMAL_LENGTH',
      encodeFrame({ opcode: 2, payload: new Uint8Array(65535), lengthEncoding: 64 }),
      S2C,
      1002,
    ],
    [
      'NON_MINIMAL_LENGTH',
      encodeFrame({ opcode: 2, payload: new Uint8Array(3), lengthEncoding: 64 }),
      S2C,
      1002,
    ],
    ['CLOSE_PAYLOAD_ONE_BYTE', encodeFrame({ opcode: 8, payload: hex('03') }), S2C, 1002],
    ['INVALID_CLOSE_CODE', encodeFrame({ opcode: 8, payload: hex('03 ed') }), S2C, 1002],
    ['INVALID_UTF8_CLOSE_REASON', encodeFrame({ opcode: 8, payload: hex('03 e8 c3 28') }), S2C, 1007],
    ['INVALID_UTF8_CLOSE_REASON', encodeFrame({ opcode: 8, payload: hex('03 e8 e2 82') }), S2C, 1007],
  ] as const)('%s', (code, bytes, options, closeCode) => {
    expect(codesOf(bytes, options)).toEqual([code]);
    const run = parseChunks(bytesPerChunk(bytes, 1), options);
    expect(run.violations).toMatchObject([{ code, closeCode, frameIndex: 0 }]);
  });

  it('accepts RSV1 on the first data frame when permessage-deflate was negotiated', () => {
    expect(
      codesOf(encodeFrame({ opcode: 1, rsv1: true }), { direction: 's2c', extensions: DEFLATE }),
    ).toEqual([]);
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535])(
    'close code %i is invalid on the wire',
    (code) => {
      const body = new Uint8Array([code >> 8, code & 0xff]);
      expect(codesOf(encodeFrame({ opcode: 8, payload: body }))).toEqual(['INVALID_CLOSE_CODE']);
    },
  );

  it.each([1000, 1001, 1003, 1007, 1011, 1014, 3000, 3999, 4000, 4999])('close code %i is valid', (code) => {
    const body = new Uint8Array([code >> 8, code & 0xff]);
    expect(codesOf(encodeFrame({ opcode: 8, payload: body }))).toEqual([]);
  });

  it('reports several violations of one frame', () => {
    const bytes = encodeFrame({ opcode: 9, fin: false, rsv2: true, payload: new Uint8Array(200) });
    expect(codesOf(bytes, C2S)).toEqual([
      'UNMASKED_CLIENT_FRAME',
      'RSV2_UNNEGOTIATED',
      'CONTROL_FRAME_TOO_LONG',
      'CONTROL_FRAME_FRAGMENTED',
    ]);
  });

  it.each([
    ['LENGTH_TOP_BIT_SET', [0x80, 0, 0, 0, 0, 0, 0, 1], 1002],
    ['LENGTH_BEYOND_2_53', [0x00, 0x20, 0, 0, 0, 0, 0, 0], 1009],
  ] as const)(
    '%s is fatal: reported once, later bytes counted, not parsed',
    (code, rawLength64, closeCode) => {
      const good = encodeFrame({ opcode: 1, payload: 'ok' });
      const bad = encodeFrame({ opcode: 2, rawLength64, payload: new Uint8Array(5) });
      const after = encodeFrame({ opcode: 1, payload: 'never' });
      for (const size of [1, 3, 1000]) {
        const run = parseChunks(bytesPerChunk(concatBytes([good, bad, after]), size), S2C);
        expect(run.frames).toHaveLength(1);
        expect(run.violations).toEqual([expect.objectContaining({ code, closeCode, offset: good.length })]);
        expect(run.violations[0]!.frameIndex).toBeUndefined();
        expect(run.parser.stopped).toBe(true);
        expect(run.parser.offset).toBe(good.length + 10);
        expect(run.parser.discardedBytes).toBe(5 + after.length);
      }
    },
  );
});

describe('FrameParser: capture limits changed between frames', () => {
  it('keeps a short prefix (still unmasked correctly, no whole payload) while limited, then full payloads again', () => {
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);
    const frame = encodeFrame({ opcode: 2, mask: MASK, payload });
    const parser = new FrameParser({ ...C2S, maxCapturedPayload: 512, keepWholePayload: 1 << 20 });

    const before = parser.accept(frame).frames[0]!;
    expect(before.payload).toHaveLength(512);
    expect(before.wholePayload).toEqual(payload);

    parser.limitCapture(255, 0);
    const limited = parser.accept(frame).frames[0]!;
    expect(limited).toMatchObject({ payloadLength: 1000, truncated: true });
    expect(limited.payload).toEqual(payload.subarray(0, 255));
    expect(limited.wholePayload).toBeUndefined();

    parser.limitCapture(512, 1 << 20);
    const after = parser.accept(frame).frames[0]!;
    expect(after.payload).toEqual(payload.subarray(0, 512));
    expect(after.wholePayload).toEqual(payload);
  });

  it('text frames are still validated as UTF-8 over the whole payload while limited', () => {
    const parser = new FrameParser({ ...C2S });
    parser.limitCapture(255, 0);
    const valid = parser.accept(encodeFrame({ opcode: 1, mask: MASK, payload: 'é'.repeat(500) })).frames[0]!;
    expect(valid).toMatchObject({ utf8Valid: true, truncated: true });
    const broken = Buffer.concat([Buffer.from('a'.repeat(600)), Buffer.from([0xff])]);
    const invalid = parser.accept(encodeFrame({ opcode: 1, mask: MASK, payload: broken })).frames[0]!;
    expect(invalid.utf8Valid).toBe(false);
  });
});
