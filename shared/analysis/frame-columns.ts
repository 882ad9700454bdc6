import type { FrameEvent } from '../model/events.js';
import type { FrameRecord } from '../model/frame.js';
import { decodeUtf8 } from '../protocol/utf8.js';
import { fromBase64 } from '../util/base64.js';
import { classifyAppBeat, MAX_BEAT_BYTES } from './app-heartbeat.js';
import type { FrameList, Indexed } from './connection-facts.js';

/**
 * The payload the analyzers read of a frame: control frames' (ping/pong pairing, close), and a text frame's when it
 * is an application heartbeat; every other frame is analyzed by its header fields alone.
 */
export function keepsData(frame: FrameRecord): boolean {
  if (frame.opcode >= 8) return true;
  if (frame.opcode !== 1 || !frame.fin || frame.rsv1 || frame.payloadLength > MAX_BEAT_BYTES) return false;
  if (frame.payloadLength > 8 && !frame.data.startsWith('ey') && !frame.data.startsWith('W')) return false;
  const bytes = fromBase64(frame.data);
  return bytes !== null && classifyAppBeat(decodeUtf8(bytes)) !== undefined;
}

const INITIAL_CAPACITY = 256;
const DIR_S2C = 0x10;
const FIN = 0x20;
const RSV1 = 0x40;

/** The fields the analyzers read of a frame; all other FrameRecord fields are left out (see `at`). */
type SlimFrame = Pick<
  FrameRecord,
  'seq' | 'dir' | 'fin' | 'rsv1' | 'opcode' | 'headerLength' | 'payloadLength' | 'data' | 'close'
>;

/** Bits of a frame whose fields fit the packed columns, or -1 (kept whole: fields a valid record cannot have). */
function packBits(f: FrameRecord): number {
  const regular =
    (f.dir === 'c2s' || f.dir === 's2c') &&
    typeof f.fin === 'boolean' &&
    typeof f.rsv1 === 'boolean' &&
    Number.isInteger(f.opcode) &&
    f.opcode >= 0 &&
    f.opcode <= 15 &&
    Number.isInteger(f.headerLength) &&
    f.headerLength >= 0 &&
    f.headerLength <= 255;
  if (!regular) return -1;
  return f.opcode | (f.dir === 's2c' ? DIR_S2C : 0) | (f.fin ? FIN : 0) | (f.rsv1 ? RSV1 : 0);
}

function grown<T extends Float64Array | Uint8Array>(column: T, capacity: number): T {
  const next = new (column.constructor as new (length: number) => T)(capacity);
  next.set(column);
  return next;
}

/**
 * One connection's frames in columns (typed arrays that double as they fill) for the streaming analysis: about 35
 * bytes a frame instead of an object each. Payloads are kept only where `keepsData` says an analyzer reads them, close
 * bodies only for close frames. Reading a frame (`at`, iteration) makes the object the analyzers read, equal to the
 * frame event with those fields, anew each time: callers do not keep them.
 */
export class FrameColumns implements FrameList {
  length = 0;
  private index = new Float64Array(INITIAL_CAPACITY);
  private t = new Float64Array(INITIAL_CAPACITY);
  private seq = new Float64Array(INITIAL_CAPACITY);
  private payloadLength = new Float64Array(INITIAL_CAPACITY);
  private headerLength = new Uint8Array(INITIAL_CAPACITY);
  private bits = new Uint8Array(INITIAL_CAPACITY);
  private readonly data = new Map<number, string>();
  private readonly close = new Map<number, NonNullable<FrameRecord['close']>>();
  /** Frames with a field the columns cannot hold exactly, kept as they are (never from a validated record). */
  private readonly whole = new Map<number, Indexed<FrameEvent>>();

  constructor(private readonly conn: string) {}

  push(event: FrameEvent, index: number): void {
    const i = this.length;
    if (i === this.index.length) this.grow(i * 2);
    const f = event.frame;
    const data = keepsData(f) ? f.data : '';
    const bits = packBits(f);
    this.index[i] = index;
    if (
      bits < 0 ||
      typeof event.t !== 'number' ||
      typeof f.seq !== 'number' ||
      typeof f.payloadLength !== 'number'
    )
      this.whole.set(i, {
        type: 'frame',
        conn: this.conn,
        t: event.t,
        frame: slim(f, data) as FrameRecord,
        index,
      });
    else {
      this.t[i] = event.t;
      this.seq[i] = f.seq;
      this.payloadLength[i] = f.payloadLength;
      this.bits[i] = bits;
      this.headerLength[i] = f.headerLength;
      if (data !== '') this.data.set(i, data);
      if (f.close !== undefined) this.close.set(i, f.close);
    }
    this.length = i + 1;
  }

  at(i: number): Indexed<FrameEvent> | undefined {
    if (i < 0) i += this.length;
    if (!(i >= 0 && i < this.length)) return undefined;
    const whole = this.whole.get(i);
    if (whole) return { ...whole, frame: { ...whole.frame } };
    const frame = this.slimAt(i) as FrameRecord;
    return { type: 'frame', conn: this.conn, t: this.t[i]!, frame, index: this.index[i]! };
  }

  *[Symbol.iterator](): Iterator<Indexed<FrameEvent>> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  private slimAt(i: number): SlimFrame {
    const bits = this.bits[i]!;
    return {
      seq: this.seq[i]!,
      dir: bits & DIR_S2C ? 's2c' : 'c2s',
      fin: (bits & FIN) !== 0,
      rsv1: (bits & RSV1) !== 0,
      opcode: bits & 0xf,
      headerLength: this.headerLength[i]!,
      payloadLength: this.payloadLength[i]!,
      data: this.data.get(i) ?? '',
      close: this.close.get(i),
    };
  }

  private grow(capacity: number): void {
    this.index = grown(this.index, capacity);
    this.t = grown(this.t, capacity);
    this.seq = grown(this.seq, capacity);
    this.payloadLength = grown(this.payloadLength, capacity);
    this.headerLength = grown(this.headerLength, capacity);
    this.bits = grown(this.bits, capacity);
  }
}

function slim(f: FrameRecord, data: string): SlimFrame {
  return {
    seq: f.seq,
    dir: f.dir,
    fin: f.fin,
    rsv1: f.rsv1,
    opcode: f.opcode,
    headerLength: f.headerLength,
    payloadLength: f.payloadLength,
    data,
    close: f.close,
  };
}
