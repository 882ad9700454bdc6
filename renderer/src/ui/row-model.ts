import type { InspectorMark } from '../../../shared/analysis/inspector-marks.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { FrameRecord, MessageRecord } from '../../../shared/model/frame.js';
import type { Direction } from '../../../shared/model/wire.js';
import { base64ToBytes, decodeUtf8 } from '../format/bytes.js';
import { opcodeName } from '../format/protocol-names.js';
import { previewText } from '../format/text.js';
import type { ConnectionLog } from '../store/hot-log.js';

/** What one table row shows, computed from a frame or message record. */
export interface RowModel {
  kind: 'frame' | 'message';
  t: number;
  dir: Direction;
  opcode: number;
  opcodeLabel: string;
  flags: { fin: boolean; rsv1: boolean; rsv2: boolean; rsv3: boolean; masked: boolean };
  wireSize: number;
  size: number;
  preview: string;
  violations: string[];
  id: number;
  /** What the inspector's proxy did to this message (held, edited, dropped, injected). */
  mark?: InspectorMark;
}

const PREVIEW_BYTES = 512;

/** Preview from a base64 payload without decoding all of it. */
export function payloadPreview(base64: string, opcode: number, close?: FrameRecord['close']): string {
  if (opcode === 8) {
    if (!close || close.code === undefined) return '(no status code)';
    return close.reason ? `${close.code} ${previewText(close.reason)}` : String(close.code);
  }
  if (base64 === '') return '(empty)';
  const bytes = base64ToBytes(base64.slice(0, Math.ceil(PREVIEW_BYTES / 3) * 4));
  if (opcode === 2) {
    return Array.from(bytes.subarray(0, 48), (b) => b.toString(16).padStart(2, '0')).join(' ');
  }
  return previewText(decodeUtf8(bytes));
}

function frameRow(frame: FrameRecord, t: number): RowModel {
  return {
    kind: 'frame',
    t,
    dir: frame.dir,
    opcode: frame.opcode,
    opcodeLabel: opcodeName(frame.opcode),
    flags: { fin: frame.fin, rsv1: frame.rsv1, rsv2: frame.rsv2, rsv3: frame.rsv3, masked: frame.masked },
    wireSize: frame.headerLength + frame.payloadLength,
    size: frame.payloadLength,
    preview: payloadPreview(frame.data, frame.opcode, frame.close),
    violations: frame.violations ?? [],
    id: frame.seq,
  };
}

function messageRow(message: MessageRecord, t: number, log: ConnectionLog): RowModel {
  const frames = message.frames.map((seq) => log.frame(seq)?.frame);
  const first = frames[0];
  const violations = frames.flatMap((f) => f?.violations ?? []);
  if (message.opcode === 1 && message.utf8Valid === false) violations.push('INVALID_UTF8_TEXT');
  return {
    kind: 'message',
    t,
    dir: message.dir,
    opcode: message.opcode,
    opcodeLabel: opcodeName(message.opcode) + (message.frames.length > 1 ? ` ×${message.frames.length}` : ''),
    flags: {
      fin: true,
      rsv1: first?.rsv1 ?? message.compressed,
      rsv2: first?.rsv2 ?? false,
      rsv3: first?.rsv3 ?? false,
      masked: first?.masked ?? message.dir === 'c2s',
    },
    wireSize:
      frames.reduce((sum, f) => sum + (f ? f.headerLength + f.payloadLength : 0), 0) || message.wireSize,
    size: message.size,
    preview: payloadPreview(message.data, message.opcode),
    violations,
    id: message.id,
    ...markOf(log, message.id),
  };
}

function markOf(log: ConnectionLog, id: number): { mark?: InspectorMark } {
  const mark = log.marks.of(id);
  return mark ? { mark } : {};
}

export function rowModel(event: CaptureEvent | undefined, log: ConnectionLog): RowModel | null {
  if (event?.type === 'frame') return frameRow(event.frame, event.t);
  if (event?.type === 'message') return messageRow(event.message, event.t, log);
  return null;
}
