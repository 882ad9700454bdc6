/** Traffic and a comparison for tests that check two capture paths give the same frame and message records. */
import type { WebSocket } from 'ws';
import type { CaptureEvent } from '../../shared/model/events.js';

/** Plain, compressed, binary, fragmented, a 70 KB message and a ping; an echo server answers 5 data messages. */
export const MIXED_TRAFFIC_REPLIES = 5;

export function sendMixedTraffic(ws: WebSocket): void {
  ws.send('plain text', { compress: false });
  ws.send('compressed '.repeat(50), { compress: true });
  ws.send(Buffer.from([1, 2, 3, 255]), { binary: true, compress: false });
  ws.send('first half, ', { fin: false, compress: false });
  ws.send('second half', { fin: true, compress: false });
  ws.send(Buffer.alloc(70_000, 7), { binary: true, compress: false });
  ws.ping('are you there');
}

/** Frame and message records, field for field except the mask keys (random per frame). */
export const comparableRecords = (events: CaptureEvent[]): unknown[] =>
  events.flatMap((e): unknown[] => {
    if (e.type === 'frame')
      return [{ frame: { ...e.frame, maskKey: e.frame.maskKey === undefined ? 'none' : 'some' } }];
    return e.type === 'message' ? [{ message: e.message }] : [];
  });
