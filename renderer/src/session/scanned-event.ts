import type { CaptureEvent, ConnectionId } from '../../../shared/model/events.js';
import type { FrameRecord, LengthEncoding, MessageRecord } from '../../../shared/model/frame.js';
import type { ScannedRecord } from '../../../shared/session/record-scanner.js';
import { SCANNED_FRAME } from '../../../shared/session/record-scanner.js';

/** The payload's base64 is ASCII: its bytes are its text. */
const ascii = new TextDecoder();

/**
 * The record a scanned line (`line`, the bytes the scanner read) holds, as JSON.parse and the record checks would
 * give it: the scanner takes only lines whose values those accept. For a reader that needs objects, as the analysis
 * does, this is the line read without JSON.parse.
 */
export function eventFromScanned(record: ScannedRecord, conn: ConnectionId, line: Uint8Array): CaptureEvent {
  const data = ascii.decode(line.subarray(record.dataStart, record.dataEnd));
  const dir = record.s2c ? 's2c' : 'c2s';
  if (record.kind === SCANNED_FRAME) {
    const frame: FrameRecord = {
      seq: record.seq,
      dir,
      offset: record.offset,
      fin: record.fin,
      rsv1: record.rsv1,
      rsv2: record.rsv2,
      rsv3: record.rsv3,
      opcode: record.opcode,
      masked: record.masked,
      // The scanner takes 7, 16 or 64 only.
      lengthEncoding: record.lengthEncoding as LengthEncoding,
      headerLength: record.headerLength,
      payloadLength: record.payloadLength,
      data,
      truncated: record.truncated,
    };
    if (record.maskKey >= 0) frame.maskKey = record.maskKey.toString(16).padStart(8, '0');
    if (record.messageId >= 0) frame.messageId = record.messageId;
    return { type: 'frame', conn, t: record.t, frame };
  }
  const message: MessageRecord = {
    id: record.id,
    dir,
    opcode: record.opcode,
    frames: [record.frame],
    wireSize: record.wireSize,
    size: record.size,
    compressed: record.compressed,
    data,
    truncated: record.truncated,
  };
  if (record.utf8Valid >= 0) message.utf8Valid = record.utf8Valid === 1;
  return { type: 'message', conn, t: record.t, message };
}
