import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplayRequest, ReplayResult } from '../../shared/api/contract.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { Inspector } from '../core/inspector.js';

type ReplayHost = Pick<Inspector, 'connect' | 'send' | 'close' | 'on' | 'flush' | 'clock'>;

const OPEN_TIMEOUT_MS = 30_000;
/** How long to wait for the records of what was sent before giving up on exact send times. */
const RECORD_TIMEOUT_MS = 5_000;

/**
 * Opens a new client connection and sends the messages on the original spacing (`offsetMs / speed` after the open;
 * 'max': each as soon as the previous one was written), waits `settleMs` for the server's answers, then closes with
 * 1000. The send times come from the replay's own records (when each message went on the wire).
 */
export async function runReplay(host: ReplayHost, request: ReplayRequest): Promise<ReplayResult> {
  const seen: CaptureEvent[] = [];
  let conn: string | undefined;
  const early: CaptureEvent[] = [];
  const unsubscribe = host.on('capture', ({ events }) => {
    for (const event of events) {
      if (conn === undefined) early.push(event);
      else if (event.conn === conn) seen.push(event);
    }
  });
  try {
    ({ conn } = await host.connect({
      url: request.url,
      ...(request.headers?.length ? { headers: request.headers } : {}),
      ...(request.protocols?.length ? { protocols: request.protocols } : {}),
      ...(request.insecure ? { insecure: true } : {}),
    }));
    seen.push(...early.filter((e) => e.conn === conn));
    const opened = await until(host, seen, (events) =>
      events.find((e) => e.type === 'open' || e.type === 'end'),
    );
    if (opened?.type !== 'open')
      throw new Error(`the replay connection ${conn} did not open: ${failure(seen)}`);

    const speed = request.speed ?? 1;
    // The open record is seen a little after it happened: the spacing counts from now.
    const anchor = host.clock.now();
    const scheduled: { id: number; at: number }[] = [];
    for (const message of request.messages) {
      const due = speed === 'max' ? host.clock.now() : anchor + message.offsetMs / speed;
      await sleepUntil(host, due);
      if (seen.some((e) => e.type === 'end')) break;
      await host.send({ conn, kind: message.kind, data: message.data });
      scheduled.push({ id: message.id, at: due });
      if (speed === 'max') await new Promise((resolve) => setImmediate(resolve));
    }
    const sent = (events: CaptureEvent[]) =>
      events.filter((e) => e.type === 'message' && e.message.dir === 'c2s');
    await until(
      host,
      seen,
      (events) => sent(events).length >= scheduled.length || events.some((e) => e.type === 'end'),
      RECORD_TIMEOUT_MS,
    );
    await sleep(request.settleMs ?? 1000);
    if (!seen.some((e) => e.type === 'end')) {
      await host.close({ conn, code: 1000 }).catch(() => undefined);
      await until(host, seen, (events) => events.find((e) => e.type === 'end'), RECORD_TIMEOUT_MS);
    }
    const records = sent(seen);
    return {
      conn,
      sends: scheduled.map((s, i) => ({
        id: s.id,
        scheduledMs: s.at - opened.t,
        sentMs: (records[i]?.t ?? Number.NaN) - opened.t,
      })),
    };
  } finally {
    unsubscribe();
  }
}

/** Polls the host's batched records until `found` returns something truthy (or the timeout passes). */
async function until<T>(
  host: ReplayHost,
  events: CaptureEvent[],
  found: (events: CaptureEvent[]) => T | undefined | false,
  timeoutMs = OPEN_TIMEOUT_MS,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    host.flush();
    const result = found(events);
    if (result) return result;
    if (performance.now() > deadline) return undefined;
    await sleep(2);
  }
}

/** Timers fire late by a millisecond or so; the last stretch is waited out on the event loop. */
async function sleepUntil(host: ReplayHost, due: number): Promise<void> {
  for (;;) {
    const left = due - host.clock.now();
    if (left <= 0) return;
    if (left > 3) await sleep(left - 2);
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

function failure(events: CaptureEvent[]): string {
  const response = events.find((e) => e.type === 'http-response');
  if (response?.type === 'http-response') return `HTTP ${response.head.status} ${response.head.statusText}`;
  const error = events.find((e) => e.type === 'error');
  if (error?.type === 'error') return `${error.code}: ${error.message}`;
  return 'no answer';
}
