import { formatSize } from '../format/bytes.js';

/** Full payloads are shown one page at a time so a 16 MiB payload never becomes one giant text node. */
export const PAYLOAD_PAGE_BYTES = 64 * 1024;

/** e.g. "Showing the first 16.0 KiB of 2.0 MiB". */
export const truncationNotice = (shownBytes: number, totalBytes: number): string =>
  `Showing the first ${formatSize(shownBytes)} of ${formatSize(totalBytes)}`;

/** Byte offset of the first byte of the UTF-8 character that `offset` falls in (never inside a character). */
function utf8CharStart(bytes: Uint8Array, offset: number): number {
  let start = offset;
  // At most 3 continuation bytes (10xxxxxx) follow a lead byte.
  for (let back = 0; back < 3 && start > 0 && start < bytes.length; back++) {
    if (((bytes[start] ?? 0) & 0xc0) !== 0x80) break;
    start--;
  }
  return start;
}

/**
 * Page boundaries [0, …, length] of about `pageBytes` each. For text, a boundary never splits a UTF-8 character,
 * so every page decodes on its own.
 */
export function pageBoundaries(bytes: Uint8Array, isText: boolean, pageBytes = PAYLOAD_PAGE_BYTES): number[] {
  const bounds = [0];
  for (let next = pageBytes; next < bytes.length; next += pageBytes) {
    const bound = isText ? utf8CharStart(bytes, next) : next;
    if (bound > (bounds[bounds.length - 1] ?? 0)) bounds.push(bound);
  }
  bounds.push(bytes.length);
  return bounds;
}

/** Which record a payload belongs to, for the saved file's name. */
export type PayloadOwner = { kind: 'frame'; seq: number } | { kind: 'message'; id: number };

/** e.g. "c12-frame-48.txt": connection id (made file-name safe), the record, and .txt for text, .bin otherwise. */
export function payloadFileName(conn: string, owner: PayloadOwner, isText: boolean): string {
  const safeConn = conn.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) || 'connection';
  const record = owner.kind === 'frame' ? `frame-${owner.seq}` : `message-${owner.id}`;
  return `${safeConn}-${record}.${isText ? 'txt' : 'bin'}`;
}
