/**
 * The compact form of records crossing from the capture worker to the relay thread. Structured cloning an object
 * costs the receiving thread about a microsecond per record (property by property); a flat array of primitives a
 * fraction of that, and a one-frame message can be rebuilt from its frame instead of crossing at all (its payload
 * string is the frame's). Anything that does not fit the compact forms crosses as the record itself.
 */
import type { CaptureEvent, FrameEvent, MessageEvent } from '../../shared/model/events.js';
import type { FrameRecord, LengthEncoding, MessageRecord } from '../../shared/model/frame.js';
import type { Direction } from '../../shared/model/wire.js';
import { rememberSerialized } from '../../shared/session/serialize.js';

const FRAME = 0;
const MESSAGE_OF_FRAME = 1;

type PackedFrame = [
  kind: typeof FRAME,
  conn: string,
  t: number,
  seq: number,
  dir: Direction,
  offset: number,
  flags: number,
  opcode: number,
  maskKey: string,
  lengthEncoding: LengthEncoding,
  headerLength: number,
  payloadLength: number,
  data: string,
  ref: string,
  messageId: number,
];
/** `utf8Valid`: 1 true, 0 false, -1 absent. */
type PackedMessageOfFrame = [kind: typeof MESSAGE_OF_FRAME, utf8Valid: number];

export type PackedRecord = PackedFrame | PackedMessageOfFrame | CaptureEvent;

const FIN = 1;
const RSV1 = 2;
const RSV2 = 4;
const RSV3 = 8;
const MASKED = 16;
const TRUNCATED = 32;

/** Fields the compact frame form carries; a frame with any other (close, violations, …) crosses whole. */
const PACKED_FRAME_FIELDS = new Set<string>([
  'seq',
  'dir',
  'offset',
  'fin',
  'rsv1',
  'rsv2',
  'rsv3',
  'opcode',
  'masked',
  'maskKey',
  'lengthEncoding',
  'headerLength',
  'payloadLength',
  'data',
  'truncated',
  'ref',
  'messageId',
]);
const MESSAGE_FIELDS = new Set<string>([
  'id',
  'dir',
  'opcode',
  'frames',
  'wireSize',
  'size',
  'compressed',
  'data',
  'truncated',
  'ref',
  'utf8Valid',
]);

const onlyFields = (record: object, allowed: Set<string>): boolean => {
  for (const key in record) if (!allowed.has(key)) return false;
  return true;
};

function packFrame(event: FrameEvent): PackedFrame | FrameEvent {
  const f = event.frame;
  if (!onlyFields(f, PACKED_FRAME_FIELDS)) return event;
  const flags =
    (f.fin ? FIN : 0) |
    (f.rsv1 ? RSV1 : 0) |
    (f.rsv2 ? RSV2 : 0) |
    (f.rsv3 ? RSV3 : 0) |
    (f.masked ? MASKED : 0) |
    (f.truncated ? TRUNCATED : 0);
  return [
    FRAME,
    event.conn,
    event.t,
    f.seq,
    f.dir,
    f.offset,
    flags,
    f.opcode,
    f.maskKey ?? '',
    f.lengthEncoding,
    f.headerLength,
    f.payloadLength,
    f.data,
    f.ref ?? '',
    f.messageId ?? -1,
  ];
}

/** True when `message` is exactly what `messageOfFrame` rebuilds from `frame` (a one-frame, uncompressed message). */
function derivable(message: MessageEvent, frame: FrameEvent | undefined): boolean {
  if (!frame || frame.conn !== message.conn || frame.t !== message.t) return false;
  const m = message.message;
  const f = frame.frame;
  return (
    onlyFields(m, MESSAGE_FIELDS) &&
    m.id === f.messageId &&
    m.dir === f.dir &&
    m.opcode === f.opcode &&
    m.frames.length === 1 &&
    m.frames[0] === f.seq &&
    m.wireSize === f.payloadLength &&
    m.size === f.payloadLength &&
    !m.compressed &&
    m.data === f.data &&
    m.truncated === f.truncated &&
    m.ref === f.ref
  );
}

/** The records of one chunk in compact form (order kept). */
export function packRecords(events: readonly CaptureEvent[]): PackedRecord[] {
  const packed: PackedRecord[] = [];
  let lastFrame: FrameEvent | undefined;
  for (const event of events) {
    if (event.type === 'frame') {
      packed.push(packFrame(event));
      lastFrame = event;
    } else if (event.type === 'message' && derivable(event, lastFrame)) {
      const valid = event.message.utf8Valid;
      packed.push([MESSAGE_OF_FRAME, valid === undefined ? -1 : valid ? 1 : 0]);
      lastFrame = undefined;
    } else {
      packed.push(event);
    }
  }
  return packed;
}

function unpackFrame(p: PackedFrame): FrameEvent {
  const flags = p[6];
  const frame: FrameRecord = {
    seq: p[3],
    dir: p[4],
    offset: p[5],
    fin: (flags & FIN) !== 0,
    rsv1: (flags & RSV1) !== 0,
    rsv2: (flags & RSV2) !== 0,
    rsv3: (flags & RSV3) !== 0,
    opcode: p[7],
    masked: (flags & MASKED) !== 0,
    lengthEncoding: p[9],
    headerLength: p[10],
    payloadLength: p[11],
    data: p[12],
    truncated: (flags & TRUNCATED) !== 0,
  };
  if (p[8] !== '') frame.maskKey = p[8];
  if (p[13] !== '') frame.ref = p[13];
  if (p[14] !== -1) frame.messageId = p[14];
  return { type: 'frame', conn: p[1], t: p[2], frame };
}

function messageOfFrame(frame: FrameEvent, utf8Valid: number): MessageEvent {
  const f = frame.frame;
  const message: MessageRecord = {
    id: f.messageId ?? -1,
    dir: f.dir,
    opcode: f.opcode,
    frames: [f.seq],
    wireSize: f.payloadLength,
    size: f.payloadLength,
    compressed: false,
    data: f.data,
    truncated: f.truncated,
  };
  if (f.ref !== undefined) message.ref = f.ref;
  if (utf8Valid !== -1) message.utf8Valid = utf8Valid === 1;
  return { type: 'message', conn: frame.conn, t: frame.t, message };
}

/** Undoes `packRecords`. */
export function unpackRecords(
  packed: readonly PackedRecord[],
  lines?: readonly (string | null)[],
): CaptureEvent[] {
  const events: CaptureEvent[] = [];
  let lastFrame: FrameEvent | undefined;
  packed.forEach((p, i) => {
    let event: CaptureEvent | undefined;
    if (!Array.isArray(p)) {
      event = p;
      if (p.type === 'frame') lastFrame = p;
    } else if (p[0] === FRAME) {
      event = lastFrame = unpackFrame(p);
    } else if (lastFrame) {
      event = messageOfFrame(lastFrame, p[1]);
    }
    if (!event) return;
    const line = lines?.[i];
    if (line) rememberSerialized(event, line);
    events.push(event);
  });
  return events;
}
