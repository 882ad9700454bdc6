import type { LengthEncoding } from '../model/frame.js';
import type { Direction } from '../model/wire.js';
import { describeCloseCode } from './close-codes.js';
import { isDeflateNegotiated } from './deflate-params.js';
import { Opcode, isControl, isDataStart, isReservedOpcode } from './opcodes.js';
import type {
  FrameParseResult,
  FrameParserApi,
  FrameParserOptions,
  ParsedFrame,
  ParserViolation,
} from './types.js';
import { unmaskInto } from './unmask.js';
import { Utf8Validator, decodeUtf8 } from './utf8.js';
import { VIOLATIONS, type ViolationCode } from './violations.js';

export const DEFAULT_MAX_CAPTURED_PAYLOAD = 65536;
export const DEFAULT_MAX_COMPRESSED_PAYLOAD = 16 * 1024 * 1024;

/** A byte-count option as a whole number of bytes, never negative. */
export const byteLimit = (bytes: number): number => Math.max(0, Math.floor(bytes));

const MAX_HEADER = 14;
const TWO_POW_32 = 0x1_0000_0000;
const EMPTY = new Uint8Array(0);

/** The header of the frame being read, plus the payload bytes kept so far. */
interface FrameInProgress {
  offset: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  maskKey: Uint8Array | undefined;
  lengthEncoding: LengthEncoding;
  headerLength: number;
  payloadLength: number;
  /** Payload bytes to keep (min of the length and the applicable cap). */
  keep: number;
  /** Whether the frame belongs to a compressed message and is kept whole for inflation. */
  keepWhole: boolean;
  /** Whether the frame belongs to an uncompressed text message, so its payload is validated as UTF-8. */
  text: boolean;
  buffer: Uint8Array | undefined;
  /** Payload bytes received so far (kept or not). */
  received: number;
  violations: ViolationCode[];
}

/**
 * Incremental RFC 6455 frame parser for one direction of a connection. Accepts bytes in any chunking, returns complete
 * frames and violations as data; never throws on bad input. Memory per parser is bounded by the 14-byte header buffer
 * plus the kept payload prefix of the frame in progress.
 */
export class FrameParser implements FrameParserApi {
  private readonly direction: Direction;
  private readonly deflate: boolean;
  private maxCaptured: number;
  private readonly maxCompressed: number;
  private maxWhole: number;

  private consumed = 0;
  private readonly headerBuf = new Uint8Array(MAX_HEADER);
  private headerFill = 0;
  private frame: FrameInProgress | undefined;
  /** The fragmented data message in progress, followed just far enough to know how to treat its payload. */
  private openMessage: MessageKind | undefined;
  private readonly utf8 = new Utf8Validator();
  private scratch: Uint8Array | undefined;
  private halted = false;
  private discarded = 0;

  constructor(options: FrameParserOptions) {
    this.direction = options.direction;
    this.deflate = isDeflateNegotiated(options.extensions);
    this.maxCaptured = byteLimit(options.maxCapturedPayload ?? DEFAULT_MAX_CAPTURED_PAYLOAD);
    this.maxCompressed = Math.max(
      this.maxCaptured,
      Math.floor(options.maxCompressedPayload ?? DEFAULT_MAX_COMPRESSED_PAYLOAD),
    );
    this.maxWhole = byteLimit(options.keepWholePayload ?? 0);
  }

  /**
   * Keeps less (or more) of the payloads of frames whose header arrives from now on: e.g. only a short preview while
   * a connection is too busy for full ones (binary payload bytes past what is kept are then not even unmasked).
   */
  limitCapture(maxCapturedPayload: number, keepWholePayload: number): void {
    this.maxCaptured = byteLimit(maxCapturedPayload);
    this.maxWhole = byteLimit(keepWholePayload);
  }

  /** Bytes consumed by framing so far (bytes discarded after a fatal error are not included). */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes of the incomplete frame received so far (header and payload). */
  get pending(): number {
    const f = this.frame;
    return f ? f.headerLength + f.received : this.headerFill;
  }

  /** Bytes this parser holds in memory for the incomplete frame. */
  get bufferedBytes(): number {
    const f = this.frame;
    return this.headerFill + (f ? Math.min(f.received, f.keep) : 0);
  }

  /** True after a fatal framing error: later bytes are counted in `discardedBytes`, not parsed. */
  get stopped(): boolean {
    return this.halted;
  }

  get discardedBytes(): number {
    return this.discarded;
  }

  accept(chunk: Uint8Array): FrameParseResult {
    const frames: ParsedFrame[] = [];
    const violations: ParserViolation[] = [];
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      if (this.halted) {
        this.discarded += end - pos;
        break;
      }
      if (this.frame === undefined) {
        pos = this.readHeader(chunk, pos, violations);
        const f = this.frame as FrameInProgress | undefined;
        if (f === undefined || f.payloadLength > 0) continue;
      } else {
        pos = this.readPayload(chunk, pos);
      }
      const f = this.frame;
      if (f !== undefined && f.received === f.payloadLength) {
        this.frame = undefined;
        this.complete(f, frames, violations);
      }
    }
    return { frames, violations };
  }

  /** Reads header bytes from chunk[pos..]; sets `this.frame` once the header is complete. Returns the new position. */
  private readHeader(chunk: Uint8Array, pos: number, violations: ParserViolation[]): number {
    const available = chunk.length - pos;
    if (this.headerFill === 0 && available >= 2) {
      const size = headerSize(chunk[pos]!, chunk[pos + 1]!);
      if (available >= size) {
        this.startFrame(chunk, pos, size, violations);
        this.consumed += size;
        return pos + size;
      }
    }
    const buf = this.headerBuf;
    let fill = this.headerFill;
    if (fill < 2) {
      const take = Math.min(2 - fill, available);
      for (let i = 0; i < take; i++) buf[fill++] = chunk[pos++]!;
      this.consumed += take;
      this.headerFill = fill;
      if (fill < 2) return pos;
    }
    const size = headerSize(buf[0]!, buf[1]!);
    const take = Math.min(size - fill, chunk.length - pos);
    for (let i = 0; i < take; i++) buf[fill++] = chunk[pos++]!;
    this.consumed += take;
    this.headerFill = fill;
    if (fill === size) {
      this.headerFill = 0;
      this.startFrame(buf, 0, size, violations);
    }
    return pos;
  }

  private startFrame(bytes: Uint8Array, at: number, size: number, violations: ParserViolation[]): void {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    const offset = this.consumed - (bytes === this.headerBuf ? size : 0);
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    const frameViolations: ViolationCode[] = [];
    let payloadLength = len7;
    let lengthEncoding: LengthEncoding = 7;
    if (len7 === 126) {
      lengthEncoding = 16;
      payloadLength = (bytes[at + 2]! << 8) | bytes[at + 3]!;
      if (payloadLength < 126) frameViolations.push('NON_MINIMAL_LENGTH');
    } else if (len7 === 127) {
      lengthEncoding = 64;
      const hi = readUint32(bytes, at + 2);
      const lo = readUint32(bytes, at + 6);
      if (hi >= 0x8000_0000 || hi > 0x1f_ffff) {
        const code: ViolationCode = hi >= 0x8000_0000 ? 'LENGTH_TOP_BIT_SET' : 'LENGTH_BEYOND_2_53';
        violations.push(violation(code, offset, describeFatal(code, hi, lo)));
        this.halted = true;
        return;
      }
      payloadLength = hi * TWO_POW_32 + lo;
      if (payloadLength < 65536) frameViolations.push('NON_MINIMAL_LENGTH');
    }
    const opcode = b0 & 0x0f;
    const rsv1 = (b0 & 0x40) !== 0;
    const fin = (b0 & 0x80) !== 0;
    const kind = this.trackMessage(opcode, fin, rsv1);
    const keepWhole = kind.compressed && payloadLength <= this.maxCompressed;
    const keepAll = keepWhole || payloadLength <= this.maxWhole;
    this.frame = {
      offset,
      fin,
      rsv1,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode,
      masked,
      maskKey: masked ? bytes.slice(at + size - 4, at + size) : undefined,
      lengthEncoding,
      headerLength: size,
      payloadLength,
      keep: keepAll ? payloadLength : Math.min(payloadLength, this.maxCaptured),
      keepWhole,
      text: kind.text,
      buffer: undefined,
      received: 0,
      violations: frameViolations,
    };
  }

  /** Follows message boundaries: is this frame part of a compressed message, of an uncompressed text message? */
  private trackMessage(opcode: number, fin: boolean, rsv1: boolean): MessageKind {
    if (isDataStart(opcode)) {
      const compressed = this.deflate && rsv1;
      const kind = compressed ? COMPRESSED : opcode === Opcode.text ? TEXT : BINARY;
      if (kind.text) this.utf8.reset();
      this.openMessage = fin ? undefined : kind;
      return kind;
    }
    if (opcode === Opcode.continuation) {
      const kind = this.openMessage ?? BINARY;
      if (fin) this.openMessage = undefined;
      return kind;
    }
    return BINARY;
  }

  private readPayload(chunk: Uint8Array, pos: number): number {
    const f = this.frame!;
    const take = Math.min(chunk.length - pos, f.payloadLength - f.received);
    const store = Math.max(0, Math.min(take, f.keep - f.received));
    if (store > 0) {
      if (f.buffer === undefined && !f.masked && f.received === 0 && store === f.keep) {
        // The whole kept part of an unmasked payload is in this chunk: keep a view, no copy.
        f.buffer = chunk.subarray(pos, pos + store);
      } else {
        f.buffer ??= new Uint8Array(f.keep);
        if (f.maskKey) unmaskInto(chunk, pos, store, f.buffer, f.received, f.maskKey);
        else f.buffer.set(chunk.subarray(pos, pos + store), f.received);
      }
      if (f.text) this.utf8.push(f.buffer, f.received, f.received + store);
    }
    if (f.text && take > store)
      this.validateUnkept(chunk, pos + store, take - store, f.received + store, f.maskKey);
    f.received += take;
    this.consumed += take;
    return pos + take;
  }

  /** Validates payload bytes beyond the kept prefix, unmasking them through a small reused scratch buffer. */
  private validateUnkept(
    chunk: Uint8Array,
    pos: number,
    count: number,
    index: number,
    mask?: Uint8Array,
  ): void {
    if (!mask) {
      this.utf8.push(chunk, pos, pos + count);
      return;
    }
    const scratch = (this.scratch ??= new Uint8Array(SCRATCH_SIZE));
    for (let done = 0; done < count && this.utf8.valid; done += SCRATCH_SIZE) {
      const n = Math.min(SCRATCH_SIZE, count - done);
      // The scratch buffer starts at a multiple of 4, so the mask phase is that of the payload index.
      unmaskInto(chunk, pos + done, n, scratch, 0, rotateMask(mask, index + done));
      this.utf8.push(scratch, 0, n);
    }
  }

  private complete(f: FrameInProgress, frames: ParsedFrame[], violations: ParserViolation[]): void {
    const codes = f.violations;
    this.checkFrame(f, codes);
    const kept = f.buffer ?? EMPTY;
    const payload = kept.length > this.maxCaptured ? kept.subarray(0, this.maxCaptured) : kept;
    const frame: ParsedFrame = {
      offset: f.offset,
      fin: f.fin,
      rsv1: f.rsv1,
      rsv2: f.rsv2,
      rsv3: f.rsv3,
      opcode: f.opcode,
      masked: f.masked,
      lengthEncoding: f.lengthEncoding,
      headerLength: f.headerLength,
      payloadLength: f.payloadLength,
      payload,
      truncated: payload.length < f.payloadLength,
      violations: codes,
    };
    if (f.maskKey) frame.maskKey = f.maskKey;
    if (f.keepWhole) frame.compressedPayload = kept;
    if (kept.length > this.maxCaptured && kept.length === f.payloadLength) frame.wholePayload = kept;
    if (f.text) frame.utf8Valid = f.fin ? this.utf8.finish() : this.utf8.valid;
    if (f.opcode === Opcode.close) frame.close = parseCloseBody(kept, f.payloadLength, codes);
    const frameIndex = frames.length;
    frames.push(frame);
    for (const code of codes) violations.push(violation(code, f.offset, describe(code, f), frameIndex));
  }

  private checkFrame(f: FrameInProgress, codes: ViolationCode[]): void {
    if (this.direction === 'c2s' && !f.masked) codes.push('UNMASKED_CLIENT_FRAME');
    if (this.direction === 's2c' && f.masked) codes.push('MASKED_SERVER_FRAME');
    const control = isControl(f.opcode);
    if (f.rsv1) {
      if (!this.deflate) codes.push('RSV1_UNNEGOTIATED');
      else if (f.opcode === Opcode.continuation) codes.push('RSV1_ON_CONTINUATION');
      else if (control) codes.push('RSV1_ON_CONTROL');
    }
    if (f.rsv2) codes.push('RSV2_UNNEGOTIATED');
    if (f.rsv3) codes.push('RSV3_UNNEGOTIATED');
    if (isReservedOpcode(f.opcode)) codes.push('RESERVED_OPCODE');
    else if (control) {
      if (f.payloadLength > 125) codes.push('CONTROL_FRAME_TOO_LONG');
      if (!f.fin) codes.push('CONTROL_FRAME_FRAGMENTED');
    }
  }
}

interface MessageKind {
  compressed: boolean;
  text: boolean;
}
const COMPRESSED: MessageKind = { compressed: true, text: false };
const TEXT: MessageKind = { compressed: false, text: true };
const BINARY: MessageKind = { compressed: false, text: false };
const SCRATCH_SIZE = 16384;

function rotateMask(mask: Uint8Array, index: number): Uint8Array {
  const s = index & 3;
  return s === 0
    ? mask
    : new Uint8Array([mask[s]!, mask[(s + 1) & 3]!, mask[(s + 2) & 3]!, mask[(s + 3) & 3]!]);
}

/** Header size in bytes implied by the first two header bytes. */
function headerSize(_b0: number, b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function parseCloseBody(
  kept: Uint8Array,
  payloadLength: number,
  codes: ViolationCode[],
): { code?: number; reason?: string } {
  if (payloadLength === 0) return {};
  if (payloadLength === 1) {
    codes.push('CLOSE_PAYLOAD_ONE_BYTE');
    return {};
  }
  if (kept.length < 2) return {};
  const code = (kept[0]! << 8) | kept[1]!;
  if (describeCloseCode(code).onWire !== 'allowed') codes.push('INVALID_CLOSE_CODE');
  const reasonBytes = kept.subarray(2);
  const validator = new Utf8Validator();
  const complete = kept.length === payloadLength;
  const valid = validator.push(reasonBytes) && (!complete || validator.finish());
  if (!valid) codes.push('INVALID_UTF8_CLOSE_REASON');
  return reasonBytes.length > 0 ? { code, reason: decodeUtf8(reasonBytes) } : { code };
}

function violation(
  code: ViolationCode,
  offset: number,
  message: string,
  frameIndex?: number,
): ParserViolation {
  const v: ParserViolation = { code, closeCode: VIOLATIONS[code].closeCode, message, offset };
  if (frameIndex !== undefined) v.frameIndex = frameIndex;
  return v;
}

function describeFatal(code: ViolationCode, hi: number, lo: number): string {
  const hex = hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
  return `${VIOLATIONS[code].title} (length field 0x${hex}); the rest of this direction cannot be framed and is not parsed`;
}

function describe(code: ViolationCode, f: FrameInProgress): string {
  const title = VIOLATIONS[code].title;
  switch (code) {
    case 'CONTROL_FRAME_TOO_LONG':
      return `${title}: ${f.payloadLength} bytes`;
    case 'NON_MINIMAL_LENGTH':
      return `${title}: ${f.payloadLength} bytes written with the ${f.lengthEncoding}-bit length`;
    case 'RESERVED_OPCODE':
      return `${title}: 0x${f.opcode.toString(16)}`;
    default:
      return title;
  }
}
