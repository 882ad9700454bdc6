import type { CaptureEvent, FrameRecord } from '../../../shared/model/index.js';
import { createInspector, type Inspector, type InspectorOptions } from '../../../main/core/inspector.js';

export interface Recording {
  inspector: Inspector;
  events: CaptureEvent[];
  /** Resolves when the connection's `end` record arrives. */
  ended(conn: string, timeoutMs?: number): Promise<CaptureEvent[]>;
  waitFor(predicate: (event: CaptureEvent) => boolean, timeoutMs?: number): Promise<CaptureEvent>;
}

export function record(options: Partial<InspectorOptions> = {}): Recording {
  const inspector = createInspector({ shell: 'cli', ...options });
  const events: CaptureEvent[] = [];
  const waiters: { predicate: (e: CaptureEvent) => boolean; resolve: (e: CaptureEvent) => void }[] = [];
  inspector.on('capture', (batch) => {
    for (const event of batch.events) {
      events.push(event);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(event)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(event);
        }
      }
    }
  });
  const waitFor = (predicate: (event: CaptureEvent) => boolean, timeoutMs = 5_000): Promise<CaptureEvent> => {
    const found = events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out; recorded: ${events.map((e) => e.type).join(', ')}`)),
        timeoutMs,
      );
      waiters.push({
        predicate,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  };
  return {
    inspector,
    events,
    waitFor,
    ended: async (conn, timeoutMs) => {
      await waitFor((e) => e.conn === conn && e.type === 'end', timeoutMs);
      return events.filter((e) => e.conn === conn);
    },
  };
}

export const framesOf = (events: CaptureEvent[]): FrameRecord[] =>
  events.flatMap((e) => (e.type === 'frame' ? [e.frame] : []));

export const ofType = <T extends CaptureEvent['type']>(events: CaptureEvent[], type: T) =>
  events.filter((e): e is Extract<CaptureEvent, { type: T }> => e.type === type);

export const text = (base64: string): string => Buffer.from(base64, 'base64').toString('utf8');
