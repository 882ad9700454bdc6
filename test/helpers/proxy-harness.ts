/** An inspector with the proxy controller wired in, as the shells build it, plus helpers to read its session. */
import { createInspector } from '../../main/core/inspector.js';
import type { Inspector } from '../../main/core/inspector.js';
import { createProxyController } from '../../main/proxy/controller.js';
import type { InspectorProxyController, ProxyControllerOptions } from '../../main/proxy/controller.js';
import type { CaptureEvent } from '../../shared/model/events.js';

export interface ProxyHarness {
  inspector: Inspector;
  controller: InspectorProxyController;
  events(): Promise<CaptureEvent[]>;
  /** Waits until `predicate` holds for the session's events (polling). */
  waitFor(predicate: (events: CaptureEvent[]) => boolean, timeoutMs?: number): Promise<CaptureEvent[]>;
  dispose(): Promise<void>;
}

export function proxyHarness(options: ProxyControllerOptions = {}): ProxyHarness {
  const controller = createProxyController({ updateIntervalMs: 20, ...options });
  const inspector = createInspector({ shell: 'cli', proxyController: controller });
  const events = async (): Promise<CaptureEvent[]> => (await inspector.snapshot(undefined)).events;
  return {
    inspector,
    controller,
    events,
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const all = await events();
        if (predicate(all)) return all;
        if (Date.now() > deadline)
          throw new Error(`condition not met; ${all.length} events: ${summary(all)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    dispose: () => inspector.dispose(),
  };
}

function summary(events: CaptureEvent[]): string {
  return events
    .slice(-40)
    .map(
      (e) =>
        `${e.conn}:${e.type}${'leg' in e && e.leg ? `/${e.leg}` : ''}${e.type === 'error' ? `(${e.code})` : ''}`,
    )
    .join(' ');
}

export const ofConn = (events: CaptureEvent[], conn: string): CaptureEvent[] =>
  events.filter((e) => e.conn === conn);

/** Events of the latest connection whose URL contains `urlPart`, once its `end` record is in. */
export async function endedConnection(
  harness: ProxyHarness,
  urlPart: string,
  timeoutMs = 10_000,
): Promise<CaptureEvent[]> {
  const find = (events: CaptureEvent[]): CaptureEvent[] | undefined => {
    const start = [...events].reverse().find((e) => e.type === 'connection' && e.url.includes(urlPart));
    if (!start) return undefined;
    const mine = ofConn(events, start.conn);
    return mine.at(-1)?.type === 'end' ? mine : undefined;
  };
  return find(await harness.waitFor((events) => find(events) !== undefined, timeoutMs))!;
}
