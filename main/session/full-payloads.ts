import type { CaptureEvent } from '../../shared/model/events.js';
import type { PayloadStore } from '../capture/payload-store.js';
import { toBase64 } from '../capture/record-convert.js';

/**
 * The records with every still-available full payload in place of its preview (`truncated: false`, no `ref`), for a
 * session file meant to be handed over. Records whose payload was never kept or was evicted stay previews.
 */
export function withFullPayloads(events: CaptureEvent[], store: PayloadStore): CaptureEvent[] {
  return events.map((event) => {
    if (event.type === 'frame' && event.frame.ref !== undefined) {
      const found = store.get(event.conn, event.frame.ref);
      if (!found.ok) return event;
      const { ref: _ref, ...frame } = event.frame;
      return { ...event, frame: { ...frame, data: toBase64(found.bytes), truncated: false } };
    }
    if (event.type === 'message' && event.message.ref !== undefined) {
      const found = store.get(event.conn, event.message.ref);
      if (!found.ok) return event;
      const { ref: _ref, ...message } = event.message;
      return { ...event, message: { ...message, data: toBase64(found.bytes), truncated: false } };
    }
    return event;
  });
}
