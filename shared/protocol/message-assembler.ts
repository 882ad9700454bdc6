import type { Direction } from '../model/wire.js';
import { isDeflateNegotiated, senderResetsContext } from './deflate-params.js';
import { DEFAULT_MAX_CAPTURED_PAYLOAD, byteLimit } from './frame-parser.js';
import { Opcode, isControl, isDataStart } from './opcodes.js';
import type {
  AssembledMessage,
  AssemblyResult,
  Inflater,
  MessageAssemblerOptions,
  ParsedFrame,
  ParserViolation,
} from './types.js';
import { Utf8Validator } from './utf8.js';
import { VIOLATIONS, type ViolationCode } from './violations.js';

/** The RFC 7692 §7.2.2 tail the sender removed from every compressed message. */
const DEFLATE_TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);
const EMPTY = new Uint8Array(0);

/** The data message being assembled. */
interface OpenMessage {
  opcode: number;
  frameIndices: number[];
  wireSize: number;
  compressed: boolean;
  /** Compressed payload of each frame; undefined once a frame was too large to keep whole. */
  compressedParts: Uint8Array[] | undefined;
  /** Uncompressed messages: the decoded prefix kept so far and the total size. */
  kept: CappedCollector;
  /** Uncompressed messages: every frame's whole payload while they all fit `keepWholeMessage`. */
  wholeParts: WholeCollector | undefined;
  /** Uncompressed text: verdict from the frames (the parser validates the whole payload as it streams). */
  utf8Valid: boolean;
}

/** Keeps the first `cap` bytes of what is appended, counts the rest. */
class CappedCollector {
  size = 0;
  private buffer: Uint8Array | undefined;
  private fill = 0;
  /** The first chunk kept as a view when it may be (the common one-frame message): no copy. */
  private only: Uint8Array | undefined;

  constructor(private readonly cap: number) {}

  /** `mayKeepView`: the caller will not reuse `bytes`, so a view of it may be kept instead of a copy. */
  append(bytes: Uint8Array, mayKeepView: boolean): void {
    const room = this.cap - this.fill;
    if (mayKeepView && this.fill === 0 && this.buffer === undefined && bytes.length <= room) {
      this.only = bytes;
      this.fill = bytes.length;
    } else if (room > 0 && bytes.length > 0) {
      if (this.buffer === undefined) {
        this.buffer = new Uint8Array(this.cap);
        if (this.only) this.buffer.set(this.only);
        this.only = undefined;
      }
      const n = Math.min(room, bytes.length);
      this.buffer.set(n === bytes.length ? bytes : bytes.subarray(0, n), this.fill);
      this.fill += n;
    }
    this.size += bytes.length;
  }

  /** Counts bytes that were never seen (beyond what a frame kept). */
  skip(count: number): void {
    this.size += count;
  }

  get data(): Uint8Array {
    if (this.only) return this.only;
    return this.buffer ? this.buffer.subarray(0, this.fill) : EMPTY;
  }
}

/** Keeps every chunk appended while the total stays within `limit`; past it, gives up (and frees what it held). */
class WholeCollector {
  private parts: Uint8Array[] | undefined = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  append(bytes: Uint8Array | undefined, copy: boolean): void {
    if (!this.parts) return;
    if (bytes === undefined || this.size + bytes.length > this.limit) {
      this.parts = undefined;
      return;
    }
    this.parts.push(copy ? bytes.slice() : bytes);
    this.size += bytes.length;
  }

  get data(): Uint8Array | undefined {
    const parts = this.parts;
    if (!parts) return undefined;
    return parts.length === 1 ? parts[0] : concat(parts);
  }
}

/**
 * Groups the frames of one direction into messages (RFC 6455 §5.4), validates text as UTF-8 across fragments, and
 * inflates permessage-deflate messages (RFC 7692) through the injected Inflater. Control frames pass through without
 * ending a fragmented message. Reports message-level violations as data.
 *
 * Memory: keeps `maxCapturedPayload` bytes of each decoded message; compressed messages are held compressed (the
 * frames' `compressedPayload`, bounded by the parser's `maxCompressedPayload`) until their last frame arrives, then
 * inflated through a sink that keeps only the capped prefix, so the inflated size is bounded only by the inflater's
 * own per-message limit (PakoInflater: 128 MiB of output, counted, never held).
 */
export class MessageAssembler {
  private readonly direction: Direction;
  private readonly deflate: boolean;
  private readonly resetPerMessage: boolean;
  private readonly inflater: Inflater | undefined;
  private readonly maxCaptured: number;
  private readonly maxWhole: number;
  private open: OpenMessage | undefined;
  private closeSeen = false;
  /** Context takeover without a usable window: later compressed messages cannot be inflated until a reset. */
  private contextLost: string | undefined;

  constructor(options: MessageAssemblerOptions) {
    this.direction = options.direction;
    this.deflate = isDeflateNegotiated(options.extensions);
    this.resetPerMessage = senderResetsContext(options.extensions, options.direction);
    this.inflater = options.inflater;
    this.maxCaptured = byteLimit(options.maxCapturedPayload ?? DEFAULT_MAX_CAPTURED_PAYLOAD);
    this.maxWhole = byteLimit(options.keepWholeMessage ?? 0);
  }

  /** Whether a close frame has been seen in this direction. */
  get closed(): boolean {
    return this.closeSeen;
  }

  /** `frameIndex` is the caller's index for the frame; it is echoed in `frameIndices` and in violations. */
  accept(frame: ParsedFrame, frameIndex: number): AssemblyResult {
    const violations: ParserViolation[] = [];
    const flag = (code: ViolationCode, message?: string): void => {
      violations.push({
        code,
        closeCode: VIOLATIONS[code].closeCode,
        message: message ?? VIOLATIONS[code].title,
        offset: frame.offset,
        frameIndex,
      });
    };
    if (this.closeSeen) flag('DATA_AFTER_CLOSE', `${VIOLATIONS.DATA_AFTER_CLOSE.title} (${this.direction})`);
    const opcode = frame.opcode;
    if (opcode === Opcode.close) this.closeSeen = true;
    if (isControl(opcode)) return { violations };

    let open = this.open;
    if (opcode === Opcode.continuation) {
      if (open === undefined) {
        flag('CONTINUATION_WITHOUT_START');
        return { violations };
      }
    } else if (isDataStart(opcode)) {
      if (open !== undefined) {
        flag(
          'DATA_DURING_FRAGMENTED_MESSAGE',
          `${VIOLATIONS.DATA_DURING_FRAGMENTED_MESSAGE.title}; it is dropped`,
        );
      }
      const compressed = this.deflate && frame.rsv1;
      open = {
        opcode,
        frameIndices: [],
        wireSize: 0,
        compressed,
        compressedParts: compressed ? [] : undefined,
        kept: new CappedCollector(this.maxCaptured),
        wholeParts: !compressed && this.maxWhole > 0 ? new WholeCollector(this.maxWhole) : undefined,
        utf8Valid: true,
      };
      this.open = open;
    } else {
      // Reserved data opcodes (3-7): already reported by the parser; nothing to assemble.
      return { violations };
    }

    this.addFrame(open, frame, frameIndex);
    if (!frame.fin) return { violations };
    this.open = undefined;
    const message = open.compressed ? this.finishCompressed(open, flag) : this.finishPlain(open);
    if (message.utf8Valid === false) flag('INVALID_UTF8_TEXT');
    return { message, violations };
  }

  private addFrame(open: OpenMessage, frame: ParsedFrame, frameIndex: number): void {
    open.frameIndices.push(frameIndex);
    open.wireSize += frame.payloadLength;
    if (open.compressed) {
      if (open.compressedParts && frame.compressedPayload) open.compressedParts.push(frame.compressedPayload);
      else if (open.compressedParts && !frame.truncated) open.compressedParts.push(frame.payload);
      else open.compressedParts = undefined;
      return;
    }
    open.kept.append(frame.payload, true);
    open.kept.skip(frame.payloadLength - frame.payload.length);
    open.wholeParts?.append(frame.wholePayload ?? (frame.truncated ? undefined : frame.payload), false);
    if (open.opcode === Opcode.text) {
      // The parser's verdict covers the whole payload; without one, validate what we have.
      open.utf8Valid = frame.utf8Valid ?? this.fallbackUtf8(open, frame);
    }
  }

  private fallbackValidator: Utf8Validator | undefined;

  private fallbackUtf8(open: OpenMessage, frame: ParsedFrame): boolean {
    const v = (this.fallbackValidator ??= new Utf8Validator());
    if (open.frameIndices.length === 1) v.reset();
    v.push(frame.payload);
    return frame.fin ? v.finish() : v.valid;
  }

  private finishPlain(open: OpenMessage): AssembledMessage {
    const data = open.kept.data;
    const message: AssembledMessage = {
      opcode: open.opcode,
      frameIndices: open.frameIndices,
      wireSize: open.wireSize,
      size: open.kept.size,
      compressed: false,
      data,
      truncated: data.length < open.kept.size,
    };
    if (message.truncated) {
      const whole = open.wholeParts?.data;
      if (whole) message.wholeData = whole;
    }
    if (open.opcode === Opcode.text) message.utf8Valid = open.utf8Valid;
    return message;
  }

  private finishCompressed(
    open: OpenMessage,
    flag: (code: ViolationCode, message?: string) => void,
  ): AssembledMessage {
    const message: AssembledMessage = {
      opcode: open.opcode,
      frameIndices: open.frameIndices,
      wireSize: open.wireSize,
      size: 0,
      compressed: true,
      data: EMPTY,
      truncated: false,
    };
    const undecoded = (reason: string): AssembledMessage => {
      message.undecoded = reason;
      message.truncated = true;
      if (!this.resetPerMessage) this.contextLost ??= `an earlier message was not decoded (${reason})`;
      else this.inflater?.reset();
      return message;
    };
    if (!this.inflater) return undecoded('no inflater configured');
    if (this.contextLost && !this.resetPerMessage) return undecoded(this.contextLost);
    if (!open.compressedParts) return undecoded('a frame was larger than the parser keeps for inflation');

    if (open.compressedParts.every((p) => p.length === 0)) {
      // Nothing was compressed (a deflater that had nothing to flush): an empty message. Feeding the bare tail
      // would leave a half-read stored block in the window.
      if (this.resetPerMessage) this.inflater.reset();
      if (open.opcode === Opcode.text) message.utf8Valid = true;
      return message;
    }
    const kept = new CappedCollector(this.maxCaptured);
    const whole = this.maxWhole > 0 ? new WholeCollector(this.maxWhole) : undefined;
    const validator = open.opcode === Opcode.text ? new Utf8Validator() : undefined;
    const input = concat([...open.compressedParts, DEFLATE_TAIL]);
    const result = this.inflater.inflate(input, (chunk) => {
      kept.append(chunk, false);
      whole?.append(chunk, true);
      validator?.push(chunk);
    });
    if (!result.ok) {
      if (result.limit) return undecoded(result.error);
      flag('INFLATE_FAILED', `${VIOLATIONS.INFLATE_FAILED.title}: ${result.error}`);
      message.truncated = true;
      if (this.resetPerMessage) this.inflater.reset();
      else this.contextLost = 'an earlier message failed to inflate';
      return message;
    }
    if (result.data.length > 0) {
      kept.append(result.data, true);
      whole?.append(result.data, false);
      validator?.push(result.data);
    }
    if (this.resetPerMessage) this.inflater.reset();
    message.size = kept.size;
    message.data = kept.data;
    message.truncated = message.data.length < kept.size;
    const wholeData = message.truncated ? whole?.data : undefined;
    if (wholeData) message.wholeData = wholeData;
    if (validator) message.utf8Valid = validator.finish();
    return message;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
