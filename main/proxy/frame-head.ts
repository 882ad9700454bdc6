import { unmaskInto } from '../../shared/protocol/unmask.js';

/** A WebSocket frame header as read from the wire. */
export interface FrameHead {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  /** The masking key (a copy), when the frame is masked. */
  mask: Buffer | undefined;
  /** Payload length; lengths beyond 2^53 cannot be relayed in practice and are clamped so arithmetic stays exact. */
  length: number;
  headerLength: number;
  /** The header's bytes: a view valid only until the reader's next `push`. */
  raw: Buffer;
}

/** Header size in bytes implied by the second header byte. */
export function headerLengthOf(b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}

/** Reads frame headers a byte at a time, across chunk boundaries, for the relay's stages that walk frames. */
export class FrameHeadReader {
  private readonly header = Buffer.alloc(14);
  private have = 0;

  /** Bytes read of a header not yet complete (0 at a frame boundary). */
  get pending(): number {
    return this.have;
  }

  /** Adds the next byte; returns the header once it is complete. */
  push(byte: number): FrameHead | undefined {
    const h = this.header;
    h[this.have++] = byte;
    if (this.have < 2) return undefined;
    const headerLength = headerLengthOf(h[1]!);
    if (this.have < headerLength) return undefined;
    this.have = 0;
    const len7 = h[1]! & 0x7f;
    const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    let length = len7;
    if (len7 === 126) length = h.readUInt16BE(2);
    else if (len7 === 127)
      length = Math.min(
        (h.readUInt32BE(2) & 0x7fffffff) * 2 ** 32 + h.readUInt32BE(6),
        Number.MAX_SAFE_INTEGER,
      );
    return {
      fin: (h[0]! & 0x80) !== 0,
      rsv1: (h[0]! & 0x40) !== 0,
      opcode: h[0]! & 0x0f,
      mask: h[1]! & 0x80 ? Buffer.from(h.subarray(2 + extended, 6 + extended)) : undefined,
      length,
      headerLength,
      raw: h.subarray(0, headerLength),
    };
  }
}

/** The payload of a frame from its parts, unmasked when it was masked. */
export function unmaskedPayload(parts: Buffer[], mask: Buffer | undefined): Buffer {
  const payload = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (!mask) return payload;
  const out = Buffer.alloc(payload.length);
  unmaskInto(payload, 0, payload.length, out, 0, mask);
  return out;
}
