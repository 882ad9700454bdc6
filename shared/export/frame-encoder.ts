import type { FrameRecord } from '../model/frame.js';
import { fromBase64 } from '../util/base64.js';
import { fromHex } from '../util/hex.js';
import { concatBytes } from './bytes.js';

export interface EncodedFrame {
  /** Header bytes followed by the (re-masked) payload bytes that were captured. */
  bytes: Uint8Array;
  /** Length of the whole frame on the wire: header + payloadLength. Larger than bytes.length when truncated. */
  wireLength: number;
  /** Payload bytes missing from the capture (0 when complete). */
  missingPayloadBytes: number;
}

/** The header exactly as recorded: FIN/RSV/opcode, MASK, the original length encoding, the mask key. */
export function encodeFrameHeader(frame: FrameRecord, maskKey: Uint8Array | null): Uint8Array {
  const extended = frame.lengthEncoding === 64 ? 8 : frame.lengthEncoding === 16 ? 2 : 0;
  const header = new Uint8Array(2 + extended + (maskKey ? 4 : 0));
  header[0] =
    (frame.fin ? 0x80 : 0) |
    (frame.rsv1 ? 0x40 : 0) |
    (frame.rsv2 ? 0x20 : 0) |
    (frame.rsv3 ? 0x10 : 0) |
    (frame.opcode & 0x0f);
  const length7 = extended === 8 ? 127 : extended === 2 ? 126 : frame.payloadLength & 0x7f;
  header[1] = (maskKey ? 0x80 : 0) | length7;
  const view = new DataView(header.buffer);
  if (extended === 2) view.setUint16(2, frame.payloadLength & 0xffff);
  if (extended === 8) {
    view.setUint32(2, Math.floor(frame.payloadLength / 0x100000000));
    view.setUint32(6, frame.payloadLength % 0x100000000);
  }
  if (maskKey) header.set(maskKey, 2 + extended);
  return header;
}

const decodeMaskKey = (frame: FrameRecord): Uint8Array | null => {
  if (!frame.masked) return null;
  const key = frame.maskKey !== undefined ? fromHex(frame.maskKey) : null;
  // A masked frame without a readable key: a zero key keeps the MASK bit and the payload bytes as recorded.
  return key && key.length === 4 ? key : new Uint8Array(4);
};

/** Re-encodes a recorded frame to its wire bytes (the payload is re-masked with the original key). */
export function encodeFrame(frame: FrameRecord): EncodedFrame {
  const maskKey = decodeMaskKey(frame);
  const header = encodeFrameHeader(frame, maskKey);
  const decoded = fromBase64(frame.data) ?? new Uint8Array(0);
  const payload = decoded.slice(0, frame.payloadLength);
  if (maskKey) for (let i = 0; i < payload.length; i++) payload[i]! ^= maskKey[i & 3]!;
  return {
    bytes: concatBytes([header, payload]),
    wireLength: header.length + frame.payloadLength,
    missingPayloadBytes: frame.payloadLength - payload.length,
  };
}
