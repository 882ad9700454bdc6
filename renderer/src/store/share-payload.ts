import type { CaptureEvent, FrameEvent } from '../../../shared/model/events.js';

/**
 * A single-frame message carries the same base64 payload as its frame; records parsed from JSON hold two equal but
 * separate strings. Pointing the message at the frame's string halves payload memory for large sessions.
 */
export function sharePayloadWithFrame(
  event: CaptureEvent,
  frameOf: (seq: number) => FrameEvent | undefined,
): void {
  if (event.type !== 'message' || event.message.frames.length !== 1) return;
  const frame = frameOf(event.message.frames[0]!)?.frame;
  if (frame && frame.data === event.message.data) event.message.data = frame.data;
}
