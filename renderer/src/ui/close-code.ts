const utf8 = new TextEncoder();

export const utf8Length = (text: string): number => utf8.encode(text).length;

export const MAX_CLOSE_REASON_BYTES = 123;
export const MAX_PING_PAYLOAD_BYTES = 125;

/** Codes a peer must never send in a close frame (RFC 6455 §7.4.1): reserved for local reporting. */
const NOT_SENDABLE = new Set([1004, 1005, 1006, 1015]);

/** Parses a close code typed by the user; empty means "send no code". */
export function validateCloseCode(text: string): { code: number | undefined } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { code: undefined };
  const code = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || code < 1000 || code > 4999) {
    return { error: 'Close code must be an integer from 1000 to 4999.' };
  }
  if (NOT_SENDABLE.has(code)) return { error: `${code} is reserved and must not be sent in a close frame.` };
  return { code };
}

export function validateCloseReason(reason: string): string | null {
  const bytes = utf8Length(reason);
  return bytes > MAX_CLOSE_REASON_BYTES
    ? `The close reason is ${bytes} bytes; at most ${MAX_CLOSE_REASON_BYTES} fit in a close frame.`
    : null;
}
