/**
 * Every stable violation code the protocol core reports, with the close code a conforming peer would send on seeing
 * it. Documented in docs/protocol-violations.md; the analyzer and the docs reuse this table.
 */
export interface ViolationInfo {
  closeCode: number;
  title: string;
  /** Whether the parser stops reading this direction after it (the stream can no longer be framed). */
  fatal?: boolean;
}

export const VIOLATIONS = {
  UNMASKED_CLIENT_FRAME: { closeCode: 1002, title: 'Client sent a frame without a mask' },
  MASKED_SERVER_FRAME: { closeCode: 1002, title: 'Server sent a masked frame' },
  RSV1_UNNEGOTIATED: { closeCode: 1002, title: 'RSV1 bit set without a negotiated extension' },
  RSV2_UNNEGOTIATED: { closeCode: 1002, title: 'RSV2 bit set without a negotiated extension' },
  RSV3_UNNEGOTIATED: { closeCode: 1002, title: 'RSV3 bit set without a negotiated extension' },
  RSV1_ON_CONTINUATION: { closeCode: 1002, title: 'Compression bit set on a continuation frame' },
  RSV1_ON_CONTROL: { closeCode: 1002, title: 'Compression bit set on a control frame' },
  RESERVED_OPCODE: { closeCode: 1002, title: 'Frame uses a reserved opcode' },
  CONTROL_FRAME_TOO_LONG: { closeCode: 1002, title: 'Control frame payload longer than 125 bytes' },
  CONTROL_FRAME_FRAGMENTED: { closeCode: 1002, title: 'Control frame without the FIN bit' },
  CONTINUATION_WITHOUT_START: { closeCode: 1002, title: 'Continuation frame with no message in progress' },
  DATA_DURING_FRAGMENTED_MESSAGE: {
    closeCode: 1002,
    title: 'New data message started before the previous fragmented message ended',
  },
  INVALID_UTF8_TEXT: { closeCode: 1007, title: 'Text message is not valid UTF-8' },
  INVALID_UTF8_CLOSE_REASON: { closeCode: 1007, title: 'Close reason is not valid UTF-8' },
  INVALID_CLOSE_CODE: { closeCode: 1002, title: 'Close frame carries a status code not allowed on the wire' },
  CLOSE_PAYLOAD_ONE_BYTE: { closeCode: 1002, title: 'Close frame payload of exactly one byte' },
  NON_MINIMAL_LENGTH: { closeCode: 1002, title: 'Payload length not encoded in the shortest form' },
  LENGTH_TOP_BIT_SET: {
    closeCode: 1002,
    title: 'Most significant bit of the 64-bit payload length is set',
    fatal: true,
  },
  LENGTH_BEYOND_2_53: {
    closeCode: 1009,
    title: 'Payload length too large to track (over 2^53 - 1 bytes)',
    fatal: true,
  },
  DATA_AFTER_CLOSE: { closeCode: 1002, title: 'Frame sent after a close frame' },
  INFLATE_FAILED: { closeCode: 1007, title: 'Compressed message could not be inflated' },
  /** Reported by the recorder, not the parser: the connection ended with part of a frame pending. */
  TRUNCATED_FRAME: { closeCode: 1006, title: 'Connection ended inside a frame' },
} as const satisfies Record<string, ViolationInfo>;

export type ViolationCode = keyof typeof VIOLATIONS;

export const VIOLATION_CODES = Object.keys(VIOLATIONS) as ViolationCode[];

export function violationInfo(code: string): ViolationInfo | undefined {
  return (VIOLATIONS as Record<string, ViolationInfo>)[code];
}
