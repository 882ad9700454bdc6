import { randomBytes } from 'node:crypto';
import type { WrittenFrame } from '../../../shared/model/fault.js';

const WRITTEN_DATA_BYTES = 4096;

/**
 * One final frame with `opcode` and `payload`: unmasked as a server sends it (towards the client), masked with a
 * fresh key as a client must (towards the server, RFC 6455 §5.3). RSV1 only when asked (a payload the caller
 * compressed with permessage-deflate); uncompressed messages are allowed under permessage-deflate too.
 */
export function buildFrame(opcode: number, payload: Buffer, masked: boolean, rsv1 = false): Buffer {
  const length = payload.length;
  const extended = length < 126 ? 0 : length < 65_536 ? 2 : 8;
  const head = Buffer.alloc(2 + extended + (masked ? 4 : 0));
  head[0] = 0x80 | (rsv1 ? 0x40 : 0) | opcode;
  head[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) head.writeUInt16BE(length, 2);
  else if (extended === 8) head.writeBigUInt64BE(BigInt(length), 2);
  if (!masked) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  key.copy(head, 2 + extended);
  const body = Buffer.alloc(length);
  for (let i = 0; i < length; i++) body[i] = payload[i]! ^ key[i % 4]!;
  return Buffer.concat([head, body]);
}

/** The payload of a close frame: the code, then the reason in UTF-8. */
export function closePayload(code: number, reason: string): Buffer {
  const reasonBytes = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return payload;
}

/** A close frame with `code` and `reason` (see buildFrame for the masking). */
export function closeFrame(code: number, reason: string, masked: boolean): Buffer {
  return buildFrame(0x8, closePayload(code, reason), masked);
}

/** What a frame built by buildFrame looks like on the wire, for the record of what the relay wrote. */
export function describeWritten(frame: Buffer): WrittenFrame {
  const len7 = frame[1]! & 0x7f;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  const masked = (frame[1]! & 0x80) !== 0;
  const headerLength = 2 + extended + (masked ? 4 : 0);
  const payloadLength = frame.length - headerLength;
  const shown = Math.min(payloadLength, WRITTEN_DATA_BYTES);
  const data = Buffer.from(frame.subarray(headerLength, headerLength + shown));
  const key = masked ? frame.subarray(2 + extended, 6 + extended) : undefined;
  if (key) for (let i = 0; i < data.length; i++) data[i]! ^= key[i % 4]!;
  return {
    opcode: frame[0]! & 0x0f,
    rsv1: (frame[0]! & 0x40) !== 0,
    masked,
    ...(key ? { maskKey: key.toString('hex') } : {}),
    headerLength,
    payloadLength,
    data: data.toString('base64'),
    truncated: payloadLength > shown,
  };
}
