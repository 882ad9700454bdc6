import type { Direction } from './wire.js';

/**
 * Payload bytes a frame or message record keeps when the live session cuts its preview (past the memory budget's soft
 * limit, or while its connection is over the preview rate); see docs/session-format.md.
 */
export const SLIM_PREVIEW_BYTES = 255;

/** How the payload length was encoded in the frame header: 7-bit literal, 16-bit or 64-bit extended. */
export type LengthEncoding = 7 | 16 | 64;

/** One frame exactly as it was on the wire. Payload bytes are unmasked. */
export interface FrameRecord {
  /** Sequence number of the frame within its connection, across both directions, in capture order. */
  seq: number;
  dir: Direction;
  /** Byte offset of the frame's first header byte in its direction's stream (after the HTTP head). */
  offset: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** Masking key as 8 hex digits, when masked. */
  maskKey?: string;
  lengthEncoding: LengthEncoding;
  headerLength: number;
  payloadLength: number;
  /** Unmasked payload, base64, capped (see `truncated`). */
  data: string;
  truncated: boolean;
  /**
   * When truncated: the full payload is held by the live session that recorded it, fetched with `getPayload`.
   * Valid only in that session (never meaningful in a session file read later).
   */
  ref?: string;
  /** The message this frame belongs to (data frames only). */
  messageId?: number;
  /** For close frames: the parsed body. */
  close?: { code?: number; reason?: string };
  /** Stable codes of violations this frame caused (see violation records for detail). */
  violations?: string[];
  /** Redacted for sharing: some payload bytes were replaced (same length); see the session header's `redaction`. */
  redacted?: boolean;
}

/** A data message assembled from one or more frames (and inflated when compressed). */
export interface MessageRecord {
  id: number;
  dir: Direction;
  /** 1 text, 2 binary (the opcode of the message's first frame). */
  opcode: number;
  /** Frame sequence numbers the message was made of. */
  frames: number[];
  /** Sum of the frames' payload lengths on the wire. */
  wireSize: number;
  /** Size after inflation (equals wireSize when not compressed). */
  size: number;
  compressed: boolean;
  /** Decoded payload, base64, capped. */
  data: string;
  truncated: boolean;
  /** When truncated: reference to the full decoded payload in the live session (see FrameRecord.ref). */
  ref?: string;
  /** For text messages: whether the complete payload was valid UTF-8. */
  utf8Valid?: boolean;
  /** Redacted for sharing: some payload bytes were replaced (same length); see the session header's `redaction`. */
  redacted?: boolean;
}

/** A protocol violation found by the parser: data, never an exception. */
export interface ViolationRecord {
  /** Stable code, e.g. "UNMASKED_CLIENT_FRAME". See docs/findings.md. */
  code: string;
  /** The close code a conforming peer would send on seeing this. */
  closeCode: number;
  message: string;
  dir: Direction;
  frameSeq?: number;
  /** Byte offset in the direction's stream where it was found. */
  offset?: number;
}
