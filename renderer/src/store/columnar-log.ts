import type { CaptureEvent, ConnectionId, FrameEvent, MessageEvent } from '../../../shared/model/events.js';
import type { FrameRecord, LengthEncoding, MessageRecord } from '../../../shared/model/frame.js';
import type { Direction } from '../../../shared/model/wire.js';
import { bytesToBase64 } from '../format/bytes.js';
import type { ScannedRecord } from '../../../shared/session/record-scanner.js';
import { FRAME_FIELDS, MESSAGE_FIELDS, SCANNED_FRAME } from '../../../shared/session/record-scanner.js';
import { isControl } from '../../../shared/protocol/opcodes.js';
import { decodeCanonicalBase64 } from '../../../shared/util/base64.js';
import { BytePages, shiftPositions } from './byte-pages.js';
import { shownInMode } from './view-mode.js';

/** How an event is held: as the object itself, or as a row of the frame or message columns. */
export const HELD_OBJECT = 0;
export const HELD_FRAME = 1;
export const HELD_MESSAGE = 2;

type Float = Float64Array<ArrayBuffer>;
type U32 = Uint32Array<ArrayBuffer>;
type I32 = Int32Array<ArrayBuffer>;
type U16 = Uint16Array<ArrayBuffer>;
type U8 = Uint8Array<ArrayBuffer>;

// Columns start small and double: a reconnect storm has 10,000 connections of a few records each. A file being
// read says how large a connection will likely get (`reserve`), so a million rows are not copied a dozen times.
function grown<T extends Float | U32 | I32 | U16 | U8>(array: T, needed: number, reserve = 0): T {
  if (needed <= array.length) return array;
  const size =
    reserve > needed
      ? Math.max(reserve, Math.ceil(array.length * 1.5))
      : Math.max(needed, array.length * 2, 16);
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/** `array` cut to its first `length` entries (a copy, so the spare capacity can be collected). */
function fitted<T extends Float | U32 | I32 | U16 | U8>(array: T, length: number): T {
  return array.length === length ? array : (array.slice(0, length) as T);
}

// Frame bits: dir, fin, rsv1-3, masked, truncated, has maskKey, length encoding (2 bits), opcode (4 bits).
const F_S2C = 1;
const F_FIN = 2;
const F_RSV1 = 4;
const F_RSV2 = 8;
const F_RSV3 = 16;
const F_MASKED = 32;
const F_TRUNCATED = 64;
const F_MASK_KEY = 128;
const F_ENCODING_SHIFT = 8;
const F_OPCODE_SHIFT = 10;
const ENCODINGS: readonly LengthEncoding[] = [7, 16, 64];

// Message bits: dir, compressed, truncated, utf8Valid (absent / true / false), opcode (4 bits).
const M_S2C = 1;
const M_COMPRESSED = 2;
const M_TRUNCATED = 4;
const M_UTF8_SHIFT = 3;
const M_OPCODE_SHIFT = 5;

/** A frame's value in the bits column; the one place its layout is written. */
function frameBits(
  s2c: boolean,
  fin: boolean,
  rsv1: boolean,
  rsv2: boolean,
  rsv3: boolean,
  masked: boolean,
  truncated: boolean,
  hasMaskKey: boolean,
  lengthEncoding: LengthEncoding,
  opcode: number,
): number {
  return (
    (s2c ? F_S2C : 0) |
    (fin ? F_FIN : 0) |
    (rsv1 ? F_RSV1 : 0) |
    (rsv2 ? F_RSV2 : 0) |
    (rsv3 ? F_RSV3 : 0) |
    (masked ? F_MASKED : 0) |
    (truncated ? F_TRUNCATED : 0) |
    (hasMaskKey ? F_MASK_KEY : 0) |
    (ENCODINGS.indexOf(lengthEncoding) << F_ENCODING_SHIFT) |
    (opcode << F_OPCODE_SHIFT)
  );
}

/** A message's value in the bits column; `utf8` is 0 (not known), 1 (valid) or 2 (invalid). */
function messageBits(
  s2c: boolean,
  compressed: boolean,
  truncated: boolean,
  utf8: number,
  opcode: number,
): number {
  return (
    (s2c ? M_S2C : 0) |
    (compressed ? M_COMPRESSED : 0) |
    (truncated ? M_TRUNCATED : 0) |
    (utf8 << M_UTF8_SHIFT) |
    (opcode << M_OPCODE_SHIFT)
  );
}

const FRAME_KEYS: ReadonlySet<string> = new Set(FRAME_FIELDS);
const MESSAGE_KEYS: ReadonlySet<string> = new Set(MESSAGE_FIELDS);

const MASK_KEY = /^[0-9a-f]{8}$/;
/** Seqs, ids and sizes are kept as 32-bit columns; a record with a larger one is kept as the object. */
const MAX_U32 = 0xffffffff;
const NO_MESSAGE = MAX_U32;

/** Payloads decode here before they are stored (most are small); a large one gets a buffer of its own. */
let decodeBuffer = new Uint8Array(64 * 1024);
function decodeBufferFor(base64: string): Uint8Array {
  const need = Math.ceil(base64.length / 4) * 3;
  if (need <= decodeBuffer.length) return decodeBuffer;
  const buffer = new Uint8Array(need);
  if (need <= 1024 * 1024) decodeBuffer = buffer;
  return buffer;
}

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isBool = (value: unknown): value is boolean => typeof value === 'boolean';
const isDir = (value: unknown): value is Direction => value === 'c2s' || value === 's2c';
const isSmallUint = (value: unknown, max: number): value is number =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) <= max;

function onlyKeys(record: object, allowed: ReadonlySet<string>): boolean {
  for (const key in record) if (!allowed.has(key)) return false;
  return true;
}

function eventShapeOk(event: CaptureEvent, conn: ConnectionId | undefined): boolean {
  if (event.conn !== conn || !isNumber(event.t)) return false;
  let keys = 0;
  for (const _key in event) keys++;
  return keys === 4;
}

/** Frames that fit the columns exactly: the fields every frame has, payload bytes, optional mask key and message. */
function compactFrame(frame: FrameRecord): boolean {
  return (
    onlyKeys(frame, FRAME_KEYS) &&
    isSmallUint(frame.seq, MAX_U32) &&
    isDir(frame.dir) &&
    isNumber(frame.offset) &&
    isBool(frame.fin) &&
    isBool(frame.rsv1) &&
    isBool(frame.rsv2) &&
    isBool(frame.rsv3) &&
    isSmallUint(frame.opcode, 15) &&
    isBool(frame.masked) &&
    (frame.maskKey === undefined || (typeof frame.maskKey === 'string' && MASK_KEY.test(frame.maskKey))) &&
    ENCODINGS.includes(frame.lengthEncoding) &&
    isSmallUint(frame.headerLength, 255) &&
    isSmallUint(frame.payloadLength, MAX_U32) &&
    isBool(frame.truncated) &&
    (frame.messageId === undefined || isSmallUint(frame.messageId, NO_MESSAGE - 1))
  );
}

function compactMessage(message: MessageRecord): boolean {
  return (
    onlyKeys(message, MESSAGE_KEYS) &&
    isSmallUint(message.id, MAX_U32) &&
    isDir(message.dir) &&
    isSmallUint(message.opcode, 15) &&
    Array.isArray(message.frames) &&
    message.frames.length === 1 &&
    isSmallUint(message.frames[0], MAX_U32) &&
    isSmallUint(message.wireSize, MAX_U32) &&
    isSmallUint(message.size, MAX_U32) &&
    isBool(message.compressed) &&
    isBool(message.truncated) &&
    (message.utf8Valid === undefined || isBool(message.utf8Valid))
  );
}

/** The facts the row filters need, read without building the record. */
export interface RowFacts {
  held: number;
  dir: Direction;
  opcode: number;
  size: number;
}

/** Running sums `ColumnarLog.tally` adds to. */
export interface RangeTally {
  framesC2s: number;
  framesS2c: number;
  bytesC2s: number;
  bytesS2c: number;
  messagesC2s: number;
  messagesS2c: number;
  /** The latest entry time seen (starts at the connection's). */
  lastT: number;
}

/** A run of one connection's entries in columns, as `takeChunk` hands them over (typed arrays are transferable). */
export interface ColumnChunk {
  conn: ConnectionId;
  /** How many entries of the connection came before this chunk. */
  start: number;
  count: number;
  held: U8;
  local: U32;
  objects: CaptureEvent[];
  frames: {
    t: Float;
    event: U32;
    seq: U32;
    offset: Float;
    payloadLength: U32;
    /** NO_MESSAGE when the frame belongs to none. */
    messageId: U32;
    dataPos: Float;
    dataLen: U32;
    maskKey: U32;
    bits: U16;
    headerLength: U8;
  };
  messages: {
    t: Float;
    id: U32;
    frame: U32;
    wireSize: U32;
    size: U32;
    sharedFrame: I32;
    dataPos: Float;
    dataLen: U32;
    bits: U16;
  };
  pages: U8[];
  own: U8[];
}

/** The buffers of a chunk, to transfer it without copying. */
export function chunkBuffers(chunk: ColumnChunk): ArrayBuffer[] {
  const arrays = [
    chunk.held,
    chunk.local,
    ...Object.values(chunk.frames),
    ...Object.values(chunk.messages),
    ...chunk.pages,
    ...chunk.own,
  ] as U8[];
  return arrays.map((array) => array.buffer);
}

/**
 * A connection's events in columns. Frames and single-frame messages of the common shape (nearly all of a big
 * session) are kept as numbers in typed arrays and their payloads as bytes in shared pages; anything else is kept as
 * the object. `get` rebuilds a record that is deep-equal to the one pushed.
 */
export class ColumnarLog {
  private count = 0;
  private conn: ConnectionId | undefined;
  private held: U8 = new Uint8Array(0);
  private local: U32 = new Uint32Array(0);
  private readonly objects: CaptureEvent[] = [];
  private readonly bytes = new BytePages();

  private frames = 0;
  private fT: Float = new Float64Array(0);
  private fEvent: U32 = new Uint32Array(0);
  private fSeq: U32 = new Uint32Array(0);
  private fOffset: Float = new Float64Array(0);
  private fPayloadLength: U32 = new Uint32Array(0);
  private fMessageId: U32 = new Uint32Array(0);
  private fDataPos: Float = new Float64Array(0);
  private fDataLen: U32 = new Uint32Array(0);
  private fMaskKey: U32 = new Uint32Array(0);
  private fBits: U16 = new Uint16Array(0);
  private fHeaderLength: U8 = new Uint8Array(0);
  /** Frame seqs of the columns only ever increase, so a frame is found by binary search; others are in this map. */
  private readonly otherFrames = new Map<number, number>();
  /** The newest column frame's payload text: its message (usually the next record) is compared without re-encoding. */
  private lastFrame = -1;
  private lastFrameData = '';
  /**
   * The newest column frame stored from a scanned record, and which decoding of the scanner its payload came from
   * (`ScannedRecord.payloadSerial`): a scanned message with that decoding still in hand has the frame's bytes.
   */
  private lastScannedFrame = -1;
  private lastScannedSerial = 0;
  /** Highest column frame seq among entries handed over by `takeChunk` (later column frames must exceed it). */
  private seqFloor = Number.NEGATIVE_INFINITY;
  /** Entries handed over by `takeChunk`. */
  private taken = 0;

  private messages = 0;
  private mT: Float = new Float64Array(0);
  private mId: U32 = new Uint32Array(0);
  private mFrame: U32 = new Uint32Array(0);
  private mWireSize: U32 = new Uint32Array(0);
  private mSize: U32 = new Uint32Array(0);
  /** Index of the frame (in the frame columns) whose payload the message shares, or -1 with its own bytes. */
  private mSharedFrame: I32 = new Int32Array(0);
  private mDataPos: Float = new Float64Array(0);
  private mDataLen: U32 = new Uint32Array(0);
  private mBits: U16 = new Uint16Array(0);

  get length(): number {
    return this.count;
  }

  /** Bytes held in typed arrays and payload pages (outside the JS heap's object count). */
  get columnBytes(): number {
    let sum = this.bytes.allocatedBytes + this.held.byteLength + this.local.byteLength;
    sum += this.fEvent.byteLength;
    for (const a of [this.fT, this.fSeq, this.fOffset, this.fPayloadLength, this.fMessageId, this.fDataPos])
      sum += a.byteLength;
    sum += this.fDataLen.byteLength + this.fMaskKey.byteLength + this.fBits.byteLength;
    sum += this.fHeaderLength.byteLength;
    for (const a of [
      this.mT,
      this.mId,
      this.mFrame,
      this.mWireSize,
      this.mSize,
      this.mSharedFrame,
      this.mDataPos,
    ])
      sum += a.byteLength;
    return sum + this.mDataLen.byteLength + this.mBits.byteLength;
  }

  /** Appends and returns the index of the new entry. */
  push(event: CaptureEvent): number {
    const index = this.count;
    if (index === 0) this.conn = event.conn;
    this.held = grown(this.held, index + 1);
    this.local = grown(this.local, index + 1);
    if (event.type === 'frame' && this.pushFrame(event, index)) this.held[index] = HELD_FRAME;
    else if (event.type === 'message' && this.pushMessage(event)) this.held[index] = HELD_MESSAGE;
    else {
      this.held[index] = HELD_OBJECT;
      this.local[index] = this.objects.length;
      this.objects.push(event);
      // As a Map keyed by seq would, a later frame with the same seq is the one found.
      if (event.type === 'frame') this.otherFrames.set(event.frame.seq, index);
    }
    if (this.held[index] === HELD_FRAME) this.local[index] = this.frames - 1;
    else if (this.held[index] === HELD_MESSAGE) this.local[index] = this.messages - 1;
    this.count++;
    return index;
  }

  private pushFrame(event: FrameEvent, index: number): boolean {
    const frame = event.frame;
    if (!eventShapeOk(event, this.conn) || !compactFrame(frame)) return false;
    if (!this.seqFits(frame.seq)) return false;
    const decoded = decodeBufferFor(frame.data);
    const length = decodeCanonicalBase64(frame.data, decoded);
    if (length < 0) return false;
    const bits = frameBits(
      frame.dir === 's2c',
      frame.fin,
      frame.rsv1,
      frame.rsv2,
      frame.rsv3,
      frame.masked,
      frame.truncated,
      frame.maskKey !== undefined,
      frame.lengthEncoding,
      frame.opcode,
    );
    const i = this.storeFrame(
      event.t,
      index,
      frame.seq,
      frame.offset,
      frame.payloadLength,
      frame.messageId ?? NO_MESSAGE,
      frame.maskKey === undefined ? 0 : parseInt(frame.maskKey, 16),
      frame.headerLength,
      bits,
      this.bytes.appendBytes(decoded, length),
      length,
    );
    this.lastFrame = i;
    this.lastFrameData = frame.data;
    return true;
  }

  /** Whether a frame with this seq may go in the columns: seqs there only increase, and none is held as an object. */
  private seqFits(seq: number): boolean {
    return (
      seq > (this.frames > 0 ? this.fSeq[this.frames - 1]! : this.seqFloor) && !this.otherFrames.has(seq)
    );
  }

  private storeFrame(
    t: number,
    index: number,
    seq: number,
    offset: number,
    payloadLength: number,
    messageId: number,
    maskKey: number,
    headerLength: number,
    bits: number,
    dataPos: number,
    dataLen: number,
  ): number {
    const i = this.frames;
    // All frame columns have the same capacity.
    if (i >= this.fT.length) this.growFrames(i + 1);
    this.fT[i] = t;
    this.fEvent[i] = index;
    this.fSeq[i] = seq;
    this.fOffset[i] = offset;
    this.fPayloadLength[i] = payloadLength;
    this.fMessageId[i] = messageId;
    this.fDataPos[i] = dataPos;
    this.fDataLen[i] = dataLen;
    this.fMaskKey[i] = maskKey;
    this.fHeaderLength[i] = headerLength;
    this.fBits[i] = bits;
    this.frames++;
    return i;
  }

  private pushMessage(event: MessageEvent): boolean {
    const message = event.message;
    if (!eventShapeOk(event, this.conn) || !compactMessage(message)) return false;
    const shared = this.compactFrameBySeq(message.frames[0]!);
    let pos = 0;
    let len = 0;
    let sharedFrame = -1;
    const sameData =
      shared >= 0 &&
      (shared === this.lastFrame
        ? this.lastFrameData === message.data
        : this.frameData(shared) === message.data);
    if (sameData) sharedFrame = shared;
    else {
      const decoded = decodeBufferFor(message.data);
      len = decodeCanonicalBase64(message.data, decoded);
      if (len < 0) return false;
      pos = this.bytes.appendBytes(decoded, len);
    }
    const utf8 = message.utf8Valid === undefined ? 0 : message.utf8Valid ? 1 : 2;
    const bits = messageBits(
      message.dir === 's2c',
      message.compressed,
      message.truncated,
      utf8,
      message.opcode,
    );
    this.storeMessage(
      event.t,
      message.id,
      message.frames[0]!,
      message.wireSize,
      message.size,
      sharedFrame,
      pos,
      len,
      bits,
    );
    return true;
  }

  private storeMessage(
    t: number,
    id: number,
    frame: number,
    wireSize: number,
    size: number,
    sharedFrame: number,
    dataPos: number,
    dataLen: number,
    bits: number,
  ): void {
    const i = this.messages;
    if (i >= this.mT.length) this.growMessages(i + 1);
    this.mT[i] = t;
    this.mId[i] = id;
    this.mFrame[i] = frame;
    this.mWireSize[i] = wireSize;
    this.mSize[i] = size;
    this.mSharedFrame[i] = sharedFrame;
    this.mDataPos[i] = dataPos;
    this.mDataLen[i] = dataLen;
    this.mBits[i] = bits;
    this.messages++;
  }

  /**
   * Appends a record read by `RecordScanner` (of connection `conn`), as `push` of the parsed record would
   * hold it in columns, and returns its index; or -1, adding nothing, when `push` would hold it as an object (the
   * caller then parses the line and pushes that).
   */
  pushScanned(record: ScannedRecord, conn: ConnectionId): number {
    if (this.count > 0 && conn !== this.conn) return -1;
    const index = this.count;
    const scratch = record.payload;
    const len = record.payloadBytes;
    let held: number;
    let local: number;
    if (record.kind === SCANNED_FRAME) {
      if (!this.seqFits(record.seq)) return -1;
      const bits = frameBits(
        record.s2c,
        record.fin,
        record.rsv1,
        record.rsv2,
        record.rsv3,
        record.masked,
        record.truncated,
        record.maskKey >= 0,
        record.lengthEncoding as LengthEncoding,
        record.opcode,
      );
      held = HELD_FRAME;
      local = this.storeFrame(
        record.t,
        index,
        record.seq,
        record.offset,
        record.payloadLength,
        record.messageId < 0 ? NO_MESSAGE : record.messageId,
        record.maskKey < 0 ? 0 : record.maskKey,
        record.headerLength,
        bits,
        this.bytes.appendBytes(scratch, len),
        len,
      );
      // Its text is not kept: a message of it that is pushed as an object compares with the frame's bytes.
      this.lastFrame = -1;
      this.lastScannedFrame = local;
      this.lastScannedSerial = record.payloadSerial;
    } else {
      // Equal base64 texts, one of them canonical, are equal bytes with the other canonical too.
      // Usually the message of the frame just before it.
      const last = this.frames - 1;
      const shared =
        last >= 0 && this.fSeq[last] === record.frame ? last : this.compactFrameBySeq(record.frame);
      const sameData =
        shared >= 0 &&
        this.fDataLen[shared] === len &&
        ((shared === this.lastScannedFrame && record.payloadSerial === this.lastScannedSerial) ||
          this.bytes.holds(this.fDataPos[shared]!, scratch, len));
      const utf8 = record.utf8Valid < 0 ? 0 : record.utf8Valid === 1 ? 1 : 2;
      const bits = messageBits(record.s2c, record.compressed, record.truncated, utf8, record.opcode);
      held = HELD_MESSAGE;
      local = this.messages;
      this.storeMessage(
        record.t,
        record.id,
        record.frame,
        record.wireSize,
        record.size,
        sameData ? shared : -1,
        sameData ? 0 : this.bytes.appendBytes(scratch, len),
        sameData ? 0 : len,
        bits,
      );
    }
    if (index === 0) this.conn = conn;
    if (index >= this.held.length) this.held = grown(this.held, index + 1);
    if (index >= this.local.length) this.local = grown(this.local, index + 1);
    this.held[index] = held;
    this.local[index] = local;
    this.count++;
    return index;
  }

  /** Gives back the columns' spare capacity: for a log that is complete (a file read whole) and will not grow. */
  trim(): void {
    const steps = this.trimSteps();
    while (!steps.next().done);
  }

  /**
   * `trim` in three steps (the entry columns, the frame columns, the message columns), so a million-row log gives its
   * spare capacity back over a few tasks instead of one long one. The frame (message) columns are cut together: they
   * grow together, judged by the first one's capacity, so a push between steps stays correct.
   */
  *trimSteps(): Generator<void, void, undefined> {
    this.held = fitted(this.held, this.count);
    this.local = fitted(this.local, this.count);
    yield;
    const n = this.frames;
    this.fT = fitted(this.fT, n);
    this.fEvent = fitted(this.fEvent, n);
    this.fSeq = fitted(this.fSeq, n);
    this.fOffset = fitted(this.fOffset, n);
    this.fPayloadLength = fitted(this.fPayloadLength, n);
    this.fMessageId = fitted(this.fMessageId, n);
    this.fDataPos = fitted(this.fDataPos, n);
    this.fDataLen = fitted(this.fDataLen, n);
    this.fMaskKey = fitted(this.fMaskKey, n);
    this.fBits = fitted(this.fBits, n);
    this.fHeaderLength = fitted(this.fHeaderLength, n);
    yield;
    const m = this.messages;
    this.mT = fitted(this.mT, m);
    this.mId = fitted(this.mId, m);
    this.mFrame = fitted(this.mFrame, m);
    this.mWireSize = fitted(this.mWireSize, m);
    this.mSize = fitted(this.mSize, m);
    this.mSharedFrame = fitted(this.mSharedFrame, m);
    this.mDataPos = fitted(this.mDataPos, m);
    this.mDataLen = fitted(this.mDataLen, m);
    this.mBits = fitted(this.mBits, m);
  }

  private growFrames(n: number, reserve = 0): void {
    if (n <= this.fT.length) return;
    this.fT = grown(this.fT, n, reserve);
    this.fEvent = grown(this.fEvent, n, reserve);
    this.fSeq = grown(this.fSeq, n, reserve);
    this.fOffset = grown(this.fOffset, n, reserve);
    this.fPayloadLength = grown(this.fPayloadLength, n, reserve);
    this.fMessageId = grown(this.fMessageId, n, reserve);
    this.fDataPos = grown(this.fDataPos, n, reserve);
    this.fDataLen = grown(this.fDataLen, n, reserve);
    this.fMaskKey = grown(this.fMaskKey, n, reserve);
    this.fBits = grown(this.fBits, n, reserve);
    this.fHeaderLength = grown(this.fHeaderLength, n, reserve);
  }

  private growMessages(n: number, reserve = 0): void {
    if (n <= this.mT.length) return;
    this.mT = grown(this.mT, n, reserve);
    this.mId = grown(this.mId, n, reserve);
    this.mFrame = grown(this.mFrame, n, reserve);
    this.mWireSize = grown(this.mWireSize, n, reserve);
    this.mSize = grown(this.mSize, n, reserve);
    this.mSharedFrame = grown(this.mSharedFrame, n, reserve);
    this.mDataPos = grown(this.mDataPos, n, reserve);
    this.mDataLen = grown(this.mDataLen, n, reserve);
    this.mBits = grown(this.mBits, n, reserve);
  }

  /** Index in the frame columns of the frame with this seq, or -1. */
  private compactFrameBySeq(seq: number): number {
    let low = 0;
    let high = this.frames - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const value = this.fSeq[middle]!;
      if (value === seq) return middle;
      if (value < seq) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private frameData(i: number): string {
    return bytesToBase64(this.bytes.view(this.fDataPos[i]!, this.fDataLen[i]!));
  }

  /**
   * Hands over the entries pushed since the last take as a chunk (copies cut to length) and empties the log, keeping
   * what decides how later pushes are held; `appendChunk` on a log that received the same entries before gives the
   * same records as pushing them there one by one. (A message whose frame went in an earlier chunk keeps its own copy
   * of the payload; its record is the same.)
   */
  takeChunk(): ColumnChunk {
    const n = this.frames;
    const m = this.messages;
    const { pages, own } = this.bytes.take();
    const chunk: ColumnChunk = {
      conn: this.conn!,
      start: this.taken,
      count: this.count,
      held: this.held.slice(0, this.count),
      local: this.local.slice(0, this.count),
      objects: this.objects.splice(0),
      frames: {
        t: this.fT.slice(0, n),
        event: this.fEvent.slice(0, n),
        seq: this.fSeq.slice(0, n),
        offset: this.fOffset.slice(0, n),
        payloadLength: this.fPayloadLength.slice(0, n),
        messageId: this.fMessageId.slice(0, n),
        dataPos: this.fDataPos.slice(0, n),
        dataLen: this.fDataLen.slice(0, n),
        maskKey: this.fMaskKey.slice(0, n),
        bits: this.fBits.slice(0, n),
        headerLength: this.fHeaderLength.slice(0, n),
      },
      messages: {
        t: this.mT.slice(0, m),
        id: this.mId.slice(0, m),
        frame: this.mFrame.slice(0, m),
        wireSize: this.mWireSize.slice(0, m),
        size: this.mSize.slice(0, m),
        sharedFrame: this.mSharedFrame.slice(0, m),
        dataPos: this.mDataPos.slice(0, m),
        dataLen: this.mDataLen.slice(0, m),
        bits: this.mBits.slice(0, m),
      },
      pages,
      own,
    };
    if (n > 0) this.seqFloor = this.fSeq[n - 1]!;
    this.taken += this.count;
    this.count = 0;
    this.frames = 0;
    this.messages = 0;
    this.lastFrame = -1;
    this.lastFrameData = '';
    this.lastScannedFrame = -1;
    // Only the keys matter from here on: a column frame with one of these seqs is held as an object.
    for (const seq of this.otherFrames.keys()) this.otherFrames.set(seq, -1);
    return chunk;
  }

  /**
   * Appends a chunk from `takeChunk` and returns the index of its first entry. When this log is not where the chunk
   * continues (it holds another number of entries), the chunk's records are pushed one by one instead.
   */
  appendChunk(chunk: ColumnChunk, expectedTotal = 0): number {
    const base = this.count;
    if (chunk.count === 0) return base;
    if (
      base !== chunk.start ||
      (base > 0 && this.conn !== chunk.conn) ||
      this.taken > 0 ||
      !this.seqsFit(chunk.frames.seq)
    ) {
      const scratch = new ColumnarLog();
      scratch.appendChunk({ ...chunk, start: 0 });
      for (const event of scratch.range()) this.push(event);
      return base;
    }
    if (base === 0) this.conn = chunk.conn;
    const f0 = this.frames;
    const m0 = this.messages;
    const o0 = this.objects.length;
    const { frames: cf, messages: cm } = chunk;
    const n = cf.seq.length;
    const m = cm.id.length;
    const shift = this.bytes.adopt(chunk.pages, chunk.own);

    // Capacity for the entries the log is expected to reach, in the proportions this chunk has.
    const scale = expectedTotal > base + chunk.count ? (expectedTotal / (base + chunk.count)) * 1.05 : 0;
    const reserve = (needed: number): number => Math.ceil(needed * scale);
    this.held = grown(this.held, base + chunk.count, reserve(base + chunk.count));
    this.local = grown(this.local, base + chunk.count, reserve(base + chunk.count));
    this.held.set(chunk.held, base);
    const { held, local } = chunk;
    const toLocal = this.local;
    for (let i = 0; i < chunk.count; i++) {
      const kind = held[i]!;
      toLocal[base + i] = local[i]! + (kind === HELD_FRAME ? f0 : kind === HELD_MESSAGE ? m0 : o0);
    }
    for (const event of chunk.objects) {
      this.objects.push(event);
    }
    for (let i = 0; i < chunk.count; i++) {
      if (chunk.held[i] !== HELD_OBJECT) continue;
      const event = this.objects[o0 + chunk.local[i]!]!;
      if (event.type === 'frame') this.otherFrames.set(event.frame.seq, base + i);
    }

    this.growFrames(f0 + n, reserve(f0 + n));
    this.fT.set(cf.t, f0);
    this.fSeq.set(cf.seq, f0);
    this.fOffset.set(cf.offset, f0);
    this.fPayloadLength.set(cf.payloadLength, f0);
    this.fMessageId.set(cf.messageId, f0);
    this.fDataLen.set(cf.dataLen, f0);
    this.fMaskKey.set(cf.maskKey, f0);
    this.fBits.set(cf.bits, f0);
    this.fHeaderLength.set(cf.headerLength, f0);
    const fEvent = this.fEvent;
    for (let i = 0; i < n; i++) fEvent[f0 + i] = cf.event[i]! + base;
    shiftPositions(cf.dataPos, shift, this.fDataPos, f0);

    this.growMessages(m0 + m, reserve(m0 + m));
    this.mT.set(cm.t, m0);
    this.mId.set(cm.id, m0);
    this.mFrame.set(cm.frame, m0);
    this.mWireSize.set(cm.wireSize, m0);
    this.mSize.set(cm.size, m0);
    this.mDataLen.set(cm.dataLen, m0);
    this.mBits.set(cm.bits, m0);
    const sharedFrame = this.mSharedFrame;
    for (let i = 0; i < m; i++) {
      const shared = cm.sharedFrame[i]!;
      sharedFrame[m0 + i] = shared < 0 ? shared : shared + f0;
    }
    shiftPositions(cm.dataPos, shift, this.mDataPos, m0);

    this.frames += n;
    this.messages += m;
    this.count += chunk.count;
    this.lastFrame = -1;
    this.lastFrameData = '';
    this.lastScannedFrame = -1;
    return base;
  }

  /**
   * Whether a chunk's column frames (their seqs increasing) may follow this log's: a chunk read apart from the
   * entries before it (a later part of a file) may repeat a seq that those hold.
   */
  private seqsFit(seqs: U32): boolean {
    if (seqs.length === 0) return true;
    if (this.frames > 0 && seqs[0]! <= this.fSeq[this.frames - 1]!) return false;
    if (this.otherFrames.size === 0) return true;
    for (const seq of seqs) if (this.otherFrames.has(seq)) return false;
    return true;
  }

  /** Header length of a column-held frame (its wire size is this plus the payload length). */
  headerLengthAt(index: number): number {
    return this.held[index] === HELD_FRAME ? this.fHeaderLength[this.local[index]!]! : 0;
  }

  /** Id of a column-held message. */
  messageIdAt(index: number): number {
    return this.held[index] === HELD_MESSAGE ? this.mId[this.local[index]!]! : Number.NaN;
  }

  /** Event index of the frame with this seq. */
  frameIndex(seq: number): number | undefined {
    const other = this.otherFrames.get(seq);
    if (other !== undefined) return other;
    const i = this.compactFrameBySeq(seq);
    if (i < 0) return undefined;
    return this.fEvent[i];
  }

  get(index: number): CaptureEvent | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    const held = this.held[index]!;
    const i = this.local[index]!;
    if (held === HELD_OBJECT) return this.objects[i];
    if (held === HELD_FRAME) return this.buildFrame(i);
    return this.buildMessage(i);
  }

  /** Entries in [start, end), in order. */
  *range(start = 0, end = this.count): IterableIterator<CaptureEvent> {
    const stop = Math.min(end, this.count);
    for (let i = Math.max(0, start); i < stop; i++) yield this.get(i)!;
  }

  /**
   * Adds to `out` the entries of [start, end) that a table filtered by its view mode alone shows: frames (control
   * frames only with `showControl`) when `frames`, else messages and, with `showControl`, control frames. Entries held
   * as objects are shown when `object` says so. Same rows as testing each with `compileShapeFilter` (both ask
   * `shownInMode`), without the facts.
   */
  shownRows(
    start: number,
    end: number,
    frames: boolean,
    showControl: boolean,
    object: (index: number) => boolean,
    out: { push(index: number): void },
  ): void {
    const held = this.held;
    const local = this.local;
    const fBits = this.fBits;
    for (let index = start; index < end; index++) {
      const kind = held[index]!;
      if (kind === HELD_FRAME) {
        const control = isControl(fBits[local[index]!]! >> F_OPCODE_SHIFT);
        if (shownInMode(true, control, frames, showControl)) out.push(index);
      } else if (kind === HELD_MESSAGE) {
        if (shownInMode(false, false, frames, showControl)) out.push(index);
      } else if (object(index)) out.push(index);
    }
  }

  /** How entry `index` is held: HELD_FRAME, HELD_MESSAGE or HELD_OBJECT. */
  heldAt(index: number): number {
    return this.held[index]!;
  }

  /** What the row filters look at, without building the record; `held` is HELD_OBJECT for other records. */
  facts(index: number, out: RowFacts): RowFacts {
    const held = this.held[index]!;
    const i = this.local[index]!;
    out.held = held;
    if (held === HELD_FRAME) {
      const bits = this.fBits[i]!;
      out.dir = bits & F_S2C ? 's2c' : 'c2s';
      out.opcode = bits >> F_OPCODE_SHIFT;
      out.size = this.fPayloadLength[i]!;
    } else if (held === HELD_MESSAGE) {
      const bits = this.mBits[i]!;
      out.dir = bits & M_S2C ? 's2c' : 'c2s';
      out.opcode = bits >> M_OPCODE_SHIFT;
      out.size = this.mSize[i]!;
    }
    return out;
  }

  /**
   * Adds up the column-held frames and messages of entries [start, end) into `into` (what a connection's counters
   * take from them), stopping at the first entry that is an object or a close frame (those go through `applyEvent`:
   * close attribution reads them): returns its index, or `end`.
   */
  tally(start: number, end: number, into: RangeTally): number {
    const held = this.held;
    const local = this.local;
    const fBits = this.fBits;
    const mBits = this.mBits;
    let lastT = into.lastT;
    let index = start;
    for (; index < end; index++) {
      const kind = held[index]!;
      const i = local[index]!;
      let t: number;
      if (kind === HELD_FRAME) {
        const bits = fBits[i]!;
        if (bits >> F_OPCODE_SHIFT === 8) break;
        const bytes = this.fHeaderLength[i]! + this.fPayloadLength[i]!;
        if (bits & F_S2C) {
          into.framesS2c++;
          into.bytesS2c += bytes;
        } else {
          into.framesC2s++;
          into.bytesC2s += bytes;
        }
        t = this.fT[i]!;
      } else if (kind === HELD_MESSAGE) {
        if (mBits[i]! & M_S2C) into.messagesS2c++;
        else into.messagesC2s++;
        t = this.mT[i]!;
      } else break;
      if (t > lastT) lastT = t;
    }
    into.lastT = lastT;
    return index;
  }

  /** Time of an entry, without building the record. */
  timeAt(index: number): number {
    const held = this.held[index]!;
    const i = this.local[index]!;
    if (held === HELD_FRAME) return this.fT[i]!;
    if (held === HELD_MESSAGE) return this.mT[i]!;
    return this.objects[i]!.t;
  }

  /** The recorded payload bytes of a column-held frame or message (a view: copy before keeping). */
  payloadBytes(index: number): Uint8Array | undefined {
    const held = this.held[index]!;
    let i = this.local[index]!;
    if (held === HELD_MESSAGE) {
      const shared = this.mSharedFrame[i]!;
      if (shared < 0) return this.bytes.view(this.mDataPos[i]!, this.mDataLen[i]!);
      i = shared;
    } else if (held !== HELD_FRAME) return undefined;
    return this.bytes.view(this.fDataPos[i]!, this.fDataLen[i]!);
  }

  /** Whether the recorded payload of a column-held row is only a preview of the real one. */
  truncatedAt(index: number): boolean {
    const held = this.held[index]!;
    const i = this.local[index]!;
    if (held === HELD_FRAME) return (this.fBits[i]! & F_TRUNCATED) !== 0;
    if (held === HELD_MESSAGE) return (this.mBits[i]! & M_TRUNCATED) !== 0;
    return false;
  }

  private buildFrame(i: number): FrameEvent {
    const bits = this.fBits[i]!;
    const frame: FrameRecord = {
      seq: this.fSeq[i]!,
      dir: bits & F_S2C ? 's2c' : 'c2s',
      offset: this.fOffset[i]!,
      fin: (bits & F_FIN) !== 0,
      rsv1: (bits & F_RSV1) !== 0,
      rsv2: (bits & F_RSV2) !== 0,
      rsv3: (bits & F_RSV3) !== 0,
      opcode: bits >> F_OPCODE_SHIFT,
      masked: (bits & F_MASKED) !== 0,
      lengthEncoding: ENCODINGS[(bits >> F_ENCODING_SHIFT) & 3]!,
      headerLength: this.fHeaderLength[i]!,
      payloadLength: this.fPayloadLength[i]!,
      data: this.frameData(i),
      truncated: (bits & F_TRUNCATED) !== 0,
    };
    if (bits & F_MASK_KEY) frame.maskKey = this.fMaskKey[i]!.toString(16).padStart(8, '0');
    const messageId = this.fMessageId[i]!;
    if (messageId !== NO_MESSAGE) frame.messageId = messageId;
    return { type: 'frame', conn: this.conn!, t: this.fT[i]!, frame };
  }

  private buildMessage(i: number): MessageEvent {
    const bits = this.mBits[i]!;
    const shared = this.mSharedFrame[i]!;
    const utf8 = (bits >> M_UTF8_SHIFT) & 3;
    const message: MessageRecord = {
      id: this.mId[i]!,
      dir: bits & M_S2C ? 's2c' : 'c2s',
      opcode: bits >> M_OPCODE_SHIFT,
      frames: [this.mFrame[i]!],
      wireSize: this.mWireSize[i]!,
      size: this.mSize[i]!,
      compressed: (bits & M_COMPRESSED) !== 0,
      data:
        shared >= 0
          ? this.frameData(shared)
          : bytesToBase64(this.bytes.view(this.mDataPos[i]!, this.mDataLen[i]!)),
      truncated: (bits & M_TRUNCATED) !== 0,
    };
    if (utf8 !== 0) message.utf8Valid = utf8 === 1;
    return { type: 'message', conn: this.conn!, t: this.mT[i]!, message };
  }
}
