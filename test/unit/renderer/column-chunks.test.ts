import { describe, expect, it, vi } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { createInspectorStore } from '../../../renderer/src/store/create-store.js';
import type { ColumnChunk, RowFacts } from '../../../renderer/src/store/columnar-log.js';
import { chunkBuffers, ColumnarLog, HELD_OBJECT } from '../../../renderer/src/store/columnar-log.js';
import { SessionChunker } from '../../../renderer/src/session/session-chunker.js';
import { createFakeApi } from './fake-api.js';
import { randomEvents, rng } from './random-session.js';

/** As the page receives a chunk from the worker: its buffers transferred, not shared. */
const transferred = (chunk: ColumnChunk): ColumnChunk =>
  structuredClone(chunk, { transfer: chunkBuffers(chunk) });

/** A store whose scheduled flushes wait in `frames` until the test runs them. */
function storeWithFrames() {
  const frames: (() => void)[] = [];
  const store = createInspectorStore(createFakeApi().api, {
    schedule: (fn) => void frames.push(fn),
    search: null,
  });
  return { store, frames };
}

/** Records of several connections interleaved, with breakpoint marks, as a proxy session has them. */
function randomSession(seed: number, perConnection: number): CaptureEvent[] {
  const random = rng(seed);
  const streams = ['a', 'b', 'c'].map((name, i) =>
    randomEvents(seed * 10 + i, perConnection).map((event) => ({
      ...event,
      conn: event.conn === 'c1' ? name : `${name}-other`,
    })),
  );
  const out: CaptureEvent[] = [];
  const at = streams.map(() => 0);
  while (streams.some((s, i) => at[i]! < s.length)) {
    const i = Math.floor(random() * streams.length);
    const event = streams[i]![at[i]!];
    if (!event) continue;
    at[i]!++;
    out.push(event);
    if (random() < 0.01)
      out.push({
        type: 'action',
        conn: event.conn,
        t: event.t,
        action: 'fault',
        fault: { kind: 'hold-message', direction: 'c2s', id: `h${out.length}`, rule: 'r' },
      } as CaptureEvent);
    // Server-side marks: the next server message (or two, when these come back to back) is the one they concern.
    else if (random() < 0.005)
      out.push({
        type: 'action',
        conn: event.conn,
        t: event.t,
        action: 'fault',
        fault:
          random() < 0.5
            ? {
                kind: 'release-message',
                direction: 's2c',
                id: `r${out.length}`,
                outcome: 'edit',
                by: 'user',
                opcode: 1,
                bytes: 3,
                preview: 'abc',
              }
            : { kind: 'inject-message', direction: 's2c', opcode: 1, bytes: 3 },
      });
  }
  return out;
}

describe('column chunks (a session file read by a worker)', () => {
  it('give a log the same records, lookups and facts as pushing the events one by one', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const random = rng(seed + 100);
      const events = randomEvents(seed, 3000);
      const simple = new ColumnarLog();
      const worker = new ColumnarLog();
      const page = new ColumnarLog();
      let taken: CaptureEvent[] = [];
      for (const event of events) {
        simple.push(event);
        worker.push(event);
        taken.push(event);
        if (random() < 0.01) {
          const chunk = worker.takeChunk();
          // The worker sends a connection's few records as objects: the page pushes them itself.
          if (random() < 0.3) for (const e of taken) page.push(e);
          else expect(page.appendChunk(transferred(chunk))).toBe(chunk.start);
          taken = [];
        }
      }
      page.appendChunk(transferred(worker.takeChunk()));
      expect(page.length).toBe(events.length);
      expect(Array.from(page.range())).toEqual(events);
      const a: RowFacts = { held: 0, dir: 'c2s', opcode: 0, size: 0 };
      const seen: unknown[] = [];
      const expected: unknown[] = [];
      for (const [log, out] of [
        [page, seen],
        [simple, expected],
      ] as const) {
        for (let i = 0; i < events.length; i++) {
          const payload = log.payloadBytes(i);
          out.push([
            // Facts other than `held` are only filled in for column-held rows.
            log.facts(i, a).held === HELD_OBJECT ? HELD_OBJECT : { ...a },
            log.timeAt(i),
            log.truncatedAt(i),
            log.headerLengthAt(i),
            log.messageIdAt(i),
            payload && Buffer.from(payload).toString('base64'),
          ]);
        }
        for (const event of events) if (event.type === 'frame') out.push(log.frameIndex(event.frame.seq));
      }
      expect(seen).toEqual(expected);
      // Pushing after chunks continues the same way.
      const more = randomEvents(seed + 50, 300).slice(1);
      for (const event of more) expect(page.push(event)).toBe(simple.push(event));
      expect(Array.from(page.range())).toEqual(Array.from(simple.range()));
    }
  }, 60_000);

  it('sized ahead by an estimate of the total (low, right or far too high) hold the same records', () => {
    const events = randomEvents(11, 6000);
    for (const estimate of [0, 1000, events.length, events.length * 40]) {
      const worker = new ColumnarLog();
      const page = new ColumnarLog();
      events.forEach((event, i) => {
        worker.push(event);
        if (i % 700 === 699) page.appendChunk(transferred(worker.takeChunk()), estimate);
      });
      page.appendChunk(transferred(worker.takeChunk()), estimate);
      const reserved = page.columnBytes;
      page.trim();
      expect(page.columnBytes).toBeLessThanOrEqual(reserved);
      expect(Array.from(page.range())).toEqual(events);
      const more = randomEvents(12, 200).slice(1);
      for (const event of more) page.push(event);
      expect(Array.from(page.range())).toEqual([...events, ...more]);
    }
  });

  it('appended where they do not continue the log, are pushed record by record (nothing lost or misplaced)', () => {
    const events = randomEvents(7, 500);
    const worker = new ColumnarLog();
    for (const event of events.slice(200)) worker.push(event);
    const page = new ColumnarLog();
    for (const event of events.slice(0, 200)) page.push(event);
    const chunk = worker.takeChunk();
    expect(chunk.start).toBe(0);
    expect(page.appendChunk(chunk)).toBe(200);
    expect(Array.from(page.range())).toEqual(events);
  });

  it('read apart (a later part of a file) whose frame seqs do not follow the log’s are still found by seq', () => {
    const events = randomEvents(9, 600);
    const frames = events.filter((event) => event.type === 'frame');
    // The later part repeats the seqs of the first frames (a file that numbered two connections' frames alike).
    const later = frames.slice(0, 50).map((event) => ({ ...event, t: event.t + 1e6 }));
    const page = new ColumnarLog();
    const reference = new ColumnarLog();
    for (const part of [events, later]) {
      const worker = new ColumnarLog();
      for (const event of part) {
        worker.push(event);
        reference.push(event);
      }
      page.appendChunk({ ...transferred(worker.takeChunk()), start: page.length });
    }
    expect(Array.from(page.range())).toEqual([...events, ...later]);
    for (const event of [...events, ...later])
      if (event.type === 'frame')
        expect(page.frameIndex(event.frame.seq)).toBe(reference.frameIndex(event.frame.seq));
  });

  it('build the same connections in the store as the records pushed one by one (views, marks, violations)', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const random = rng(seed + 7);
      const events = randomSession(seed, 1500);
      const direct = createInspectorStore(createFakeApi().api, { schedule: () => undefined, search: null });
      const chunked = createInspectorStore(createFakeApi().api, { schedule: () => undefined, search: null });
      direct.ingest.push('file1', events);
      direct.ingest.flush();
      const chunker = new SessionChunker();
      const deliver = (): void => {
        for (const item of chunker.take())
          if ('chunk' in item) chunked.ingest.pushChunk('file1', transferred(item.chunk));
          else chunked.ingest.push('file1', item.events);
        if (random() < 0.5) chunked.ingest.flush();
      };
      for (const event of events) {
        chunker.push(event);
        if (random() < 0.002 || (chunker.length > 100 && random() < 0.01)) deliver();
      }
      deliver();
      chunked.ingest.flush();
      const a = direct.getState();
      const b = chunked.getState();
      expect(b.connectionOrder).toEqual(a.connectionOrder);
      expect(b.connections).toEqual(a.connections);
      for (const key of a.connectionOrder) {
        const x = direct.hot.get(key)!;
        const y = chunked.hot.get(key)!;
        expect(Array.from(y.events.range())).toEqual(Array.from(x.events.range()));
        expect(y.violationsByFrame).toEqual(x.violationsByFrame);
        expect(y.otherViolations).toEqual(x.otherViolations);
        for (const event of x.events.range())
          if (event.type === 'message')
            expect(y.marks.of(event.message.id)).toEqual(x.marks.of(event.message.id));
      }
    }
  }, 60_000);

  it('once in the store, run what waited for them, though live records keep arriving behind them', () => {
    const events = randomEvents(5, 2000);
    const worker = new ColumnarLog();
    const chunks: ColumnChunk[] = [];
    events.forEach((event, i) => {
      worker.push(event);
      if (i % 400 === 399) chunks.push(transferred(worker.takeChunk()));
    });
    chunks.push(transferred(worker.takeChunk()));
    const { store, frames } = storeWithFrames();
    for (const chunk of chunks) store.ingest.pushChunk('file1', chunk);
    let inStore = -1;
    store.ingest.afterApplied(() => (inStore = store.hot.get('file1/c1')?.events.length ?? 0));
    const live = randomEvents(6, 5000).map((event) => ({ ...event, conn: 'live' }));
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (now += 10));
    try {
      for (let frame = 0; frame < 60 && inStore < 0; frame++) {
        // A flood: more records than a flush's budget takes arrive before every frame.
        store.ingest.push('live1', live.slice((frame % 8) * 600, (frame % 8) * 600 + 600));
        frames.shift()!();
      }
    } finally {
      clock.mockRestore();
    }
    expect(inStore).toBe(events.length);
  });

  it('queued while the page was busy, reach the store a few per scheduled flush, first ones first, all of them', () => {
    const events = randomEvents(11, 3000);
    const chunker = new SessionChunker();
    const chunks: ColumnChunk[] = [];
    events.forEach((event, i) => {
      chunker.push(event);
      if (i % 500 === 499)
        for (const item of chunker.take()) if ('chunk' in item) chunks.push(transferred(item.chunk));
    });
    for (const item of chunker.take()) if ('chunk' in item) chunks.push(transferred(item.chunk));
    expect(chunks.length).toBeGreaterThan(3);
    const { store, frames } = storeWithFrames();
    for (const chunk of chunks) store.ingest.pushChunk('file1', chunk);
    // What waits for the rows (the searcher's feeding) runs once the last of them is in the store.
    const inStoreWhenApplied: number[] = [];
    store.ingest.afterApplied(() => inStoreWhenApplied.push(store.hot.get('file1/c1')?.events.length ?? 0));
    // Every reading of the clock is 10 ms after the one before: the budget runs out after a chunk or two.
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => (now += 10));
    const counts: number[] = [];
    try {
      while (frames.length > 0 && counts.length < 100) {
        frames.shift()!();
        counts.push(store.hot.get('file1/c1')?.events.length ?? 0);
      }
    } finally {
      clock.mockRestore();
    }
    expect(counts[0]).toBeLessThan(events.length);
    expect(counts.length).toBeGreaterThan(1);
    expect(inStoreWhenApplied).toEqual([counts.at(-1)]);
    expect(counts.at(-1)).toBe(events.filter((event) => event.conn === 'c1').length);
    expect(Array.from(store.hot.get('file1/c1')!.events.range())).toEqual(
      events.filter((event) => event.conn === 'c1'),
    );
  });
});
