import { Deflate, constants } from 'pako';
import { describe, expect, it } from 'vitest';
import type { NegotiatedExtension } from '../../../shared/model/handshake.js';
import { MessageAssembler } from '../../../shared/protocol/message-assembler.js';
import { PakoInflater } from '../../../shared/protocol/pako-inflater.js';
import type {
  AssembledMessage,
  FrameParserOptions,
  ParserViolation,
} from '../../../shared/protocol/types.js';
import { concatBytes, encodeFrame, type FrameSpec } from '../../helpers/frame-encoder.js';
import { bytesPerChunk, parseChunks } from './run-parser.js';

const DEFLATE: NegotiatedExtension[] = [{ name: 'permessage-deflate', params: {} }];
const DEFLATE_NO_TAKEOVER: NegotiatedExtension[] = [
  {
    name: 'permessage-deflate',
    params: { server_no_context_takeover: true, client_no_context_takeover: true },
  },
];

/** A permessage-deflate compressor for tests: sync flush per message, tail removed (RFC 7692 §7.2.1). */
class TestCompressor {
  private deflate = new Deflate({ raw: true });
  private chunks: Uint8Array[] = [];
  constructor(private readonly takeover: boolean) {
    this.hook();
  }
  private hook(): void {
    this.deflate.onData = (c) => this.chunks.push(c as Uint8Array);
  }
  compress(data: Uint8Array | string): Uint8Array {
    if (!this.takeover) {
      this.deflate = new Deflate({ raw: true });
      this.hook();
    }
    this.chunks = [];
    this.deflate.push(typeof data === 'string' ? Buffer.from(data) : data, constants.Z_SYNC_FLUSH);
    const all = concatBytes(this.chunks);
    if (all.length === 0) return all; // nothing to flush: an empty compressed payload
    expect(Array.from(all.subarray(all.length - 4))).toEqual([0, 0, 0xff, 0xff]);
    return all.subarray(0, all.length - 4);
  }
}

interface Assembled {
  messages: AssembledMessage[];
  violations: ParserViolation[];
}

function assemble(
  frames: FrameSpec[],
  options: { extensions?: NegotiatedExtension[]; inflater?: boolean; maxCapturedPayload?: number } = {},
  parser: Partial<FrameParserOptions> = {},
  chunkSize = 0,
): Assembled {
  const bytes = concatBytes(frames.map(encodeFrame));
  const chunks = chunkSize > 0 ? bytesPerChunk(bytes, chunkSize) : [bytes];
  const run = parseChunks(chunks, { direction: 's2c', extensions: options.extensions ?? [], ...parser });
  const assembler = new MessageAssembler({
    direction: 's2c',
    extensions: options.extensions ?? [],
    ...(options.inflater === false ? {} : { inflater: new PakoInflater() }),
    ...(options.maxCapturedPayload !== undefined ? { maxCapturedPayload: options.maxCapturedPayload } : {}),
  });
  const messages: AssembledMessage[] = [];
  const violations: ParserViolation[] = [];
  run.frames.forEach((frame, i) => {
    const result = assembler.accept(frame, i);
    if (result.message) messages.push(result.message);
    violations.push(...result.violations);
  });
  return { messages, violations };
}

const str = (m: AssembledMessage | undefined) => Buffer.from(m!.data).toString('utf8');
const codes = (a: Assembled) => a.violations.map((v) => [v.code, v.frameIndex]);

describe('MessageAssembler: fragmentation', () => {
  it('assembles single-frame and fragmented messages with interleaved control frames', () => {
    const a = assemble([
      { opcode: 1, payload: 'whole' },
      { opcode: 1, fin: false, payload: 'frag' },
      { opcode: 9, payload: 'ping' },
      { opcode: 0, fin: false, payload: 'men' },
      { opcode: 10 },
      { opcode: 0, payload: 'ted ✓' },
      { opcode: 2, payload: new Uint8Array([1, 2, 3]) },
    ]);
    expect(a.violations).toEqual([]);
    expect(
      a.messages.map((m) => [m.opcode, m.frameIndices, m.wireSize, m.size, m.compressed, m.utf8Valid]),
    ).toEqual([
      [1, [0], 5, 5, false, true],
      [1, [1, 3, 5], 14, 14, false, true],
      [2, [6], 3, 3, false, undefined],
    ]);
    expect(str(a.messages[1])).toBe('fragmented ✓');
  });

  it('reports a continuation without start and a data frame during a fragmented message', () => {
    const a = assemble([
      { opcode: 0, payload: 'orphan' },
      { opcode: 1, fin: false, payload: 'dropped' },
      { opcode: 2, payload: 'x' },
    ]);
    expect(codes(a)).toEqual([
      ['CONTINUATION_WITHOUT_START', 0],
      ['DATA_DURING_FRAGMENTED_MESSAGE', 2],
    ]);
    expect(a.messages.map((m) => m.frameIndices)).toEqual([[2]]);
  });

  it('validates UTF-8 across fragments, including a sequence split between frames', () => {
    const euro = Buffer.from('€');
    const ok = assemble([
      { opcode: 1, fin: false, payload: euro.subarray(0, 1) },
      { opcode: 0, payload: euro.subarray(1) },
    ]);
    expect(ok.messages[0]!.utf8Valid).toBe(true);
    expect(ok.violations).toEqual([]);
    const truncated = assemble([
      { opcode: 1, fin: false, payload: 'a' },
      { opcode: 0, payload: euro.subarray(0, 2) },
    ]);
    expect(truncated.messages[0]!.utf8Valid).toBe(false);
    expect(codes(truncated)).toEqual([['INVALID_UTF8_TEXT', 1]]);
    const surrogate = assemble([{ opcode: 1, payload: new Uint8Array([0xed, 0xa0, 0x80]) }]);
    expect(codes(surrogate)).toEqual([['INVALID_UTF8_TEXT', 0]]);
  });

  it('validates UTF-8 beyond the captured prefix, masked or not', () => {
    const good = Buffer.from('é'.repeat(5000));
    const bad = Buffer.from(good);
    bad[9000] = 0xff;
    for (const mask of [undefined, [1, 2, 3, 4]]) {
      for (const [payload, valid] of [
        [good, true],
        [bad, false],
      ] as const) {
        const a = assemble(
          [{ opcode: 1, payload, ...(mask ? { mask } : {}) }],
          {},
          { maxCapturedPayload: 100 },
          777,
        );
        expect(a.messages[0]).toMatchObject({ size: 10000, truncated: true, utf8Valid: valid });
        expect(a.messages[0]!.data.length).toBe(100);
      }
    }
  });

  it('caps the kept data of a large fragmented message', () => {
    const a = assemble(
      [
        { opcode: 2, fin: false, payload: new Uint8Array(60).fill(1) },
        { opcode: 0, payload: new Uint8Array(60).fill(2) },
      ],
      { maxCapturedPayload: 100 },
    );
    expect(a.messages[0]).toMatchObject({ size: 120, wireSize: 120, truncated: true });
    expect(Array.from(a.messages[0]!.data.subarray(55, 65))).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  });

  it('flags every frame after a close frame', () => {
    const a = assemble([
      { opcode: 1, payload: 'a' },
      { opcode: 8, payload: new Uint8Array([3, 232]) },
      { opcode: 9 },
      { opcode: 1, payload: 'late' },
    ]);
    expect(codes(a)).toEqual([
      ['DATA_AFTER_CLOSE', 2],
      ['DATA_AFTER_CLOSE', 3],
    ]);
  });
});

describe('MessageAssembler: permessage-deflate', () => {
  const texts = [
    'hello hello hello',
    'hello hello hello again',
    '',
    'ünïcödé ✓ '.repeat(200),
    'hello hello hello',
  ];

  for (const [label, extensions, takeover] of [
    ['with context takeover', DEFLATE, true],
    ['without context takeover', DEFLATE_NO_TAKEOVER, false],
  ] as const) {
    it(`inflates messages ${label}, fragmented and in 1-byte chunks`, () => {
      const compressor = new TestCompressor(takeover);
      const frames: FrameSpec[] = [];
      for (const t of texts) {
        const c = compressor.compress(t);
        const mid = c.length >> 1;
        frames.push({ opcode: 1, rsv1: true, fin: false, payload: c.subarray(0, mid) });
        frames.push({ opcode: 9 });
        frames.push({ opcode: 0, payload: c.subarray(mid) });
      }
      for (const chunkSize of [0, 1]) {
        const a = assemble(frames, { extensions }, {}, chunkSize);
        expect(a.violations).toEqual([]);
        expect(a.messages.map(str)).toEqual(texts);
        expect(a.messages.every((m) => m.compressed && m.utf8Valid === true)).toBe(true);
      }
    });
  }

  it('fails to inflate context-takeover data when the inflater is reset (proves the window is carried)', () => {
    const compressor = new TestCompressor(true);
    const frames = ['abcdefghijklmnop', 'abcdefghijklmnop'].map((t) => ({
      opcode: 1,
      rsv1: true,
      payload: compressor.compress(t),
    }));
    const a = assemble(frames, { extensions: DEFLATE_NO_TAKEOVER });
    expect(str(a.messages[0])).toBe('abcdefghijklmnop');
    expect(a.violations.map((v) => v.code)).toEqual(['INFLATE_FAILED']);
    expect(a.violations[0]!.closeCode).toBe(1007);
  });

  it('reports INFLATE_FAILED for garbage and INVALID_UTF8_TEXT for inflated invalid text', () => {
    const garbage = assemble([{ opcode: 2, rsv1: true, payload: new Uint8Array([0xff, 0xff, 0xff]) }], {
      extensions: DEFLATE_NO_TAKEOVER,
    });
    expect(codes(garbage)).toEqual([['INFLATE_FAILED', 0]]);
    const bad = new TestCompressor(false).compress(new Uint8Array([0x41, 0xc3, 0x28]));
    const invalid = assemble([{ opcode: 1, rsv1: true, payload: bad }], { extensions: DEFLATE });
    expect(codes(invalid)).toEqual([['INVALID_UTF8_TEXT', 0]]);
  });

  it('keeps a capped prefix of a large inflated message and counts its size', () => {
    const big = new Uint8Array(1_000_000).map((_, i) => i % 251);
    const payload = new TestCompressor(false).compress(big);
    const a = assemble([{ opcode: 2, rsv1: true, payload }], {
      extensions: DEFLATE,
      maxCapturedPayload: 1000,
    });
    expect(a.messages[0]).toMatchObject({ size: 1_000_000, wireSize: payload.length, truncated: true });
    expect(Buffer.from(a.messages[0]!.data).equals(Buffer.from(big.subarray(0, 1000)))).toBe(true);
  });

  it('marks messages it cannot decode without blaming the peer', () => {
    const compressor = new TestCompressor(true);
    const frames = [compressor.compress('x'.repeat(5000)), compressor.compress('y')].map((payload) => ({
      opcode: 1,
      rsv1: true,
      payload,
    }));
    const noInflater = assemble(frames, { extensions: DEFLATE, inflater: false });
    expect(noInflater.violations).toEqual([]);
    expect(noInflater.messages.every((m) => m.undecoded !== undefined)).toBe(true);
    const tooBig = assemble(
      frames,
      { extensions: DEFLATE },
      { maxCapturedPayload: 2, maxCompressedPayload: 2 },
    );
    expect(tooBig.violations).toEqual([]);
    expect(tooBig.messages.map((m) => m.undecoded !== undefined)).toEqual([true, true]);
  });

  it('stops inflating past the inflater limit', () => {
    const inflater = new PakoInflater({ maxMessageSize: 10_000 });
    const data = concatBytes([
      new TestCompressor(false).compress(new Uint8Array(50_000)),
      new Uint8Array([0, 0, 255, 255]),
    ]);
    expect(inflater.inflate(data)).toMatchObject({ ok: false, limit: true });
    inflater.reset();
    expect(
      inflater.inflate(
        concatBytes([new TestCompressor(false).compress('ok'), new Uint8Array([0, 0, 255, 255])]),
      ),
    ).toMatchObject({ ok: true });
  });
});
