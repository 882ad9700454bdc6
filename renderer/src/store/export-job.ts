import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Session } from '../../../shared/model/session.js';
import { serializeEvent, serializeHeader } from '../../../shared/session/index.js';

/** Where an export is: records gathered from the log, then records written (a session file) or the file built. */
export interface ExportProgress {
  phase: 'collecting' | 'writing' | 'building';
  done: number;
  total: number;
}

export interface ExportControl {
  onProgress?: (progress: ExportProgress) => void;
  /** Aborting stops the export at its next slice; the export then resolves to null. */
  signal?: AbortSignal;
}

/** Records handled between two looks at the page's event queue: paints the progress bar, hears Cancel. */
export const EXPORT_SLICE = 20_000;

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
  }
}

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Reports `done` of `total`, and every EXPORT_SLICE records gives the page a turn (and checks for Cancel). */
export function progressReporter(
  control: ExportControl,
  phase: ExportProgress['phase'],
  total: number,
): (done: number) => Promise<void> {
  let reported = -1;
  return async (done) => {
    if (done !== total && done - reported < EXPORT_SLICE && reported >= 0) return;
    reported = done;
    control.onProgress?.({ phase, done, total });
    await nextTask();
    if (control.signal?.aborted) throw new ExportCancelled();
  };
}

/** The records of several connection logs, gathered in slices with progress. */
export async function collectRecords(
  logs: readonly Iterable<CaptureEvent>[],
  total: number,
  control: ExportControl,
): Promise<CaptureEvent[]> {
  const report = progressReporter(control, 'collecting', total);
  const events: CaptureEvent[] = [];
  await report(0);
  for (const log of logs) {
    for (const event of log) {
      events.push(event);
      if (events.length % EXPORT_SLICE === 0) await report(events.length);
    }
  }
  await report(events.length);
  return events;
}

/** A session file's text (as `serializeSession`), written in slices with progress. */
export async function serializeInSlices(session: Session, control: ExportControl): Promise<string> {
  const total = session.events.length;
  const report = progressReporter(control, 'writing', total);
  const lines: string[] = [serializeHeader(session.header)];
  await report(0);
  for (let i = 0; i < total; i++) {
    lines.push(serializeEvent(session.events[i]!));
    if ((i + 1) % EXPORT_SLICE === 0) await report(i + 1);
  }
  await report(total);
  return lines.join('');
}
