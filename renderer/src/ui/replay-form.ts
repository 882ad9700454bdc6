import type { MessageEvent } from '../../../shared/model/events.js';
import { decodeUtf8 } from '../../../shared/protocol/utf8.js';
import { fromBase64 } from '../../../shared/util/base64.js';

/** The replay form's speed: a factor from 0.01 to 1000, or "max". */
export function parseReplaySpeed(text: string): { speed: number | 'max' } | { error: string } {
  const trimmed = text.trim();
  if (trimmed === 'max') return { speed: 'max' };
  const speed = Number(trimmed);
  if (trimmed === '' || !Number.isFinite(speed) || speed < 0.01 || speed > 1000)
    return { error: 'Speed must be a number from 0.01 to 1000, or max.' };
  return { speed };
}

/** One line for a client message in the replay list: `#3 text "hello"` or `#4 binary 12 B`. */
export function previewOf(event: MessageEvent): string {
  const { message } = event;
  if (message.opcode !== 1) return `#${message.id} binary ${message.size} B`;
  const text = decodeUtf8(fromBase64(message.data) ?? new Uint8Array());
  return `#${message.id} ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`;
}
