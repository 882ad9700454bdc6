import type { FrameRecord, ViolationRecord } from '../../shared/model/frame.js';
import type { Direction } from '../../shared/model/wire.js';
import type { ParsedFrame, ParserViolation } from '../../shared/protocol/types.js';

export const toBase64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

const toHex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function toFrameRecord(
  frame: ParsedFrame,
  seq: number,
  dir: Direction,
  messageId: number | undefined,
  violationCodes: string[],
  /** The payload as base64, when the caller already has it. */
  data: string = toBase64(frame.payload),
): FrameRecord {
  const record: FrameRecord = {
    seq,
    dir,
    offset: frame.offset,
    fin: frame.fin,
    rsv1: frame.rsv1,
    rsv2: frame.rsv2,
    rsv3: frame.rsv3,
    opcode: frame.opcode,
    masked: frame.masked,
    lengthEncoding: frame.lengthEncoding,
    headerLength: frame.headerLength,
    payloadLength: frame.payloadLength,
    data,
    truncated: frame.truncated,
  };
  if (frame.maskKey) record.maskKey = toHex(frame.maskKey);
  if (messageId !== undefined) record.messageId = messageId;
  if (frame.close) record.close = frame.close;
  if (violationCodes.length > 0) record.violations = violationCodes;
  return record;
}

export function toViolationRecord(
  violation: ParserViolation,
  dir: Direction,
  frameSeq?: number,
): ViolationRecord {
  const record: ViolationRecord = {
    code: violation.code,
    closeCode: violation.closeCode,
    message: violation.message,
    dir,
    offset: violation.offset,
  };
  if (frameSeq !== undefined) record.frameSeq = frameSeq;
  return record;
}
