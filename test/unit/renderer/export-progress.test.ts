import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseSession } from '../../../shared/session/index.js';
import { createInspectorStore } from '../../../renderer/src/store/create-store.js';
import type { ExportProgress } from '../../../renderer/src/store/export-job.js';
import { EXPORT_SLICE } from '../../../renderer/src/store/export-job.js';
import { createFakeApi, frame, handshake } from './fake-api.js';

const manual = { schedule: () => undefined };

/** The records of `connections` connections with `frames` text frames each. */
function sessionEvents(connections: number, frames: number): CaptureEvent[] {
  const events: CaptureEvent[] = [];
  for (let c = 1; c <= connections; c++) {
    events.push(...handshake(`c${c}`, c));
    for (let i = 0; i < frames; i++)
      events.push(frame(`c${c}`, c + 10 + i * 0.01, i % 2 ? 's2c' : 'c2s', 1, `m${c}-${i}`));
  }
  return events;
}

/** The store with `events` opened as a session file (the fake core reads any file as these records). */
async function openFile(events: CaptureEvent[]) {
  const { api } = createFakeApi(events);
  const store = createInspectorStore(api, { ...manual, search: null });
  await store.start();
  await store.getState().openSessionFile('big.jsonl', 'read by the fake core');
  const source = Object.keys(store.getState().sources).find((id) => id !== 'live')!;
  return { store, source };
}

describe('export progress', () => {
  it('reports records gathered then written, in slices, up to the total; the file holds every record', async () => {
    const recorded = sessionEvents(2, 25_000);
    const events = recorded.length;
    const { store, source } = await openFile(recorded);
    const seen: ExportProgress[] = [];
    const file = await store.getState().exportSession(source, 'session', null, {
      onProgress: (p) => seen.push(p),
    });
    expect(file).not.toBeNull();
    const phases = [...new Set(seen.map((p) => p.phase))];
    expect(phases).toEqual(['collecting', 'writing']);
    for (const phase of phases) {
      const steps = seen.filter((p) => p.phase === phase);
      expect(steps.length).toBeGreaterThanOrEqual(Math.floor(events / EXPORT_SLICE));
      expect(steps.every((p) => p.total === events)).toBe(true);
      expect(steps.map((p) => p.done)).toEqual([...steps.map((p) => p.done)].sort((a, b) => a - b));
      expect(steps.at(-1)!.done).toBe(events);
    }
    const written = parseSession(file!.data as string);
    expect(written.problems).toEqual([]);
    expect(written.session.events).toEqual(recorded);
  }, 60_000);

  it('stops when cancelled: no file, no error notice', async () => {
    const { store, source } = await openFile(sessionEvents(2, 30_000));
    const controller = new AbortController();
    const seen: ExportProgress[] = [];
    const file = await store.getState().exportSession(source, 'har', null, {
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.done >= EXPORT_SLICE) controller.abort();
      },
    });
    expect(file).toBeNull();
    expect(seen.at(-1)!.done).toBeLessThan(seen.at(-1)!.total);
    expect(store.getState().notice?.kind).not.toBe('error');
  }, 60_000);

  it('says when a HAR or pcapng is being built after the records are gathered', async () => {
    const recorded = sessionEvents(1, 100);
    const events = recorded.length;
    const { store, source } = await openFile(recorded);
    const seen: ExportProgress[] = [];
    const file = await store
      .getState()
      .exportSession(source, 'pcapng', null, { onProgress: (p) => seen.push(p) });
    expect(file?.data).toBeInstanceOf(Uint8Array);
    expect(seen.at(-1)).toEqual({ phase: 'building', done: 0, total: events });
  });
});
