import { describe, expect, it } from 'vitest';
import { inProcessPort, SearchEngine } from '../../../renderer/src/filters/search-engine.js';
import type { SearchPort } from '../../../renderer/src/filters/search-engine.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { compileRowFilter, RowIndex } from '../../../renderer/src/store/rows.js';
import type { RowFilter, RowView } from '../../../renderer/src/store/rows.js';
import { frame } from './fake-api.js';
import { randomEvents } from './random-session.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Asks for the rows until the searcher has answered everything (as the table does on each notification). */
async function settled(
  index: RowIndex,
  key: string,
  log: ConnectionLog,
  filter: RowFilter,
): Promise<RowView> {
  for (let i = 0; i < 1000; i++) {
    const view = index.view(key, log, filter);
    if (!view.pending) return view;
    await tick();
  }
  throw new Error('the search never finished');
}

const filters: RowFilter[] = [
  { mode: 'messages', showControl: true, text: 'needle' },
  { mode: 'frames', showControl: true, text: 'ÜNÏ' },
  { mode: 'frames', showControl: false, text: 'ß', dir: 'c2s', types: ['text'] },
  { mode: 'frames', showControl: true, text: '^\\d{4} bye', searchMode: 'regex' },
  { mode: 'messages', showControl: true, text: 'a+needle$', searchMode: 'regex', minSize: 100 },
  { mode: 'messages', showControl: false, text: '€|"px":1', searchMode: 'regex' },
  { mode: 'messages', showControl: true, text: 'kelvin' },
  { mode: 'frames', showControl: true, text: 'NeEdLe' },
  { mode: 'frames', showControl: true, text: 'e"' },
];

describe('text filter off the main thread', () => {
  it('keeps exactly the rows the simple record filter keeps, on random sessions', async () => {
    for (let seed = 11; seed <= 14; seed++) {
      const events = randomEvents(seed, 1500);
      const log = new ConnectionLog();
      for (const event of events) log.append(event);
      const index = new RowIndex(new SearchEngine(inProcessPort()));
      for (const filter of filters) {
        const simple = compileRowFilter(filter);
        const expected = events.flatMap((event, i) => (simple(event) ? [i] : []));
        const view = await settled(index, 'k', log, filter);
        expect(Array.from(view.rows)).toEqual(expected);
      }
    }
  }, 60_000);

  it('answers rows that arrive later (live) without searching the earlier ones again', async () => {
    const events = randomEvents(5, 3000);
    const log = new ConnectionLog();
    const filter: RowFilter = { mode: 'messages', showControl: true, text: 'needle' };
    const simple = compileRowFilter(filter);
    const index = new RowIndex(new SearchEngine(inProcessPort()));
    for (const event of events.slice(0, 1000)) log.append(event);
    const first = await settled(index, 'k', log, filter);
    const before = first.rows.length;
    for (const event of events.slice(1000)) log.append(event);
    const later = await settled(index, 'k', log, filter);
    expect(later.rows.length).toBeGreaterThan(before);
    expect(Array.from(later.rows)).toEqual(events.flatMap((event, i) => (simple(event) ? [i] : [])));
  });

  it('starts from the rows the table without the text already has, and keeps up with rows that come after', async () => {
    const events = randomEvents(6, 3000);
    const log = new ConnectionLog();
    const shape: RowFilter = { mode: 'frames', showControl: false, dir: 's2c' };
    const filter: RowFilter = { ...shape, text: 'needle' };
    const simple = compileRowFilter(filter);
    const index = new RowIndex(new SearchEngine(inProcessPort()));
    for (const event of events.slice(0, 1200)) log.append(event);
    index.view('k', log, shape);
    for (const event of events.slice(1200, 2000)) log.append(event);
    const first = await settled(index, 'k', log, filter);
    expect(Array.from(first.rows)).toEqual(events.slice(0, 2000).flatMap((e, i) => (simple(e) ? [i] : [])));
    for (const event of events.slice(2000)) log.append(event);
    const later = await settled(index, 'k', log, filter);
    expect(Array.from(later.rows)).toEqual(events.flatMap((event, i) => (simple(event) ? [i] : [])));
  });

  it('cancels a search when the filter text changes, and notifies when an answer lands', async () => {
    const log = new ConnectionLog();
    for (const event of randomEvents(8, 5000)) log.append(event);
    const engine = new SearchEngine(inProcessPort());
    const index = new RowIndex(engine);
    let notified = 0;
    index.subscribe(() => notified++);
    const candidates = Uint32Array.from({ length: log.events.length }, (_, i) => i);
    const older = engine.search('k', log, candidates, 'needle', 'text');
    const newer = engine.search('k', log, candidates, 'tick', 'text');
    expect(await older).toBeNull();
    const answer = await newer;
    expect(answer && 'matches' in answer ? answer.matches.length : -1).toBeGreaterThan(0);
    index.view('k', log, { mode: 'frames', showControl: true, text: 'order' });
    await settled(index, 'k', log, { mode: 'frames', showControl: true, text: 'order' });
    expect(notified).toBeGreaterThan(0);
  });

  it('says how many rows could only be searched in their recorded preview', async () => {
    const log = new ConnectionLog();
    log.append(frame('c1', 1, 's2c', 1, 'the start of a long message'));
    log.append(frame('c1', 2, 's2c', 1, 'cut short', { truncated: true }));
    log.append(frame('c1', 3, 's2c', 1, 'needle'));
    const filter: RowFilter = { mode: 'frames', showControl: true, text: 'needle' };
    const worker = await settled(new RowIndex(new SearchEngine(inProcessPort())), 'k', log, filter);
    const here = new RowIndex().view('k', log, filter);
    expect(Array.from(worker.rows)).toEqual([2]);
    expect(worker.previewOnly).toBe(1);
    expect(here.previewOnly).toBe(1);
  });

  it('feeds the rows a search needs a slice per task, and a newer search stops the feeding of an older one', async () => {
    const log = new ConnectionLog();
    const rows = 200_000;
    for (let i = 0; i < rows; i++) log.append(frame('c1', i, 's2c', 1, i % 1000 === 0 ? 'needle' : 'hay'));
    const inner = inProcessPort();
    const appends: number[] = [];
    const port: SearchPort = {
      ...inner,
      post: (message, transfer) => {
        if (message.type === 'append') appends.push(message.indices.length);
        inner.post(message, transfer);
      },
    };
    const engine = new SearchEngine(port);
    const all = Uint32Array.from({ length: log.events.length }, (_, i) => i);
    const older = engine.search('k', log, all, 'hay', 'text');
    // What one task's budget allows went out at once (200,000 rows take several); the rest follow in later tasks.
    const atOnce = appends.reduce((a, b) => a + b, 0);
    expect(atOnce).toBeGreaterThan(0);
    expect(atOnce).toBeLessThan(rows);
    const newer = engine.search('k', log, all, 'needle', 'text');
    expect(await older).toBeNull();
    const answer = await newer;
    expect(answer && 'matches' in answer ? Array.from(answer.matches) : []).toEqual(
      Array.from({ length: rows / 1000 }, (_, i) => i * 1000),
    );
    // Every row was sent once.
    expect(appends.reduce((a, b) => a + b, 0)).toBe(rows);
  });
});
