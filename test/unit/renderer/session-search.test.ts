import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { ConnectionHits, RowScope } from '../../../renderer/src/filters/search-core.js';
import type { SearchMode } from '../../../renderer/src/filters/search-pattern.js';
import { inProcessPort, SearchEngine } from '../../../renderer/src/filters/search-engine.js';
import type { SearchAllOutcome } from '../../../renderer/src/filters/search-engine.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { compileRowFilter } from '../../../renderer/src/store/rows.js';
import { randomEvents } from './random-session.js';

const FIRST = 3;

interface Found {
  hits: ConnectionHits[];
  outcome: SearchAllOutcome | null;
}

function searchAll(
  engine: SearchEngine,
  connections: { key: string; log: ConnectionLog }[],
  pattern: string,
  mode: SearchMode,
  scope: RowScope,
): Promise<Found> {
  const hits: ConnectionHits[] = [];
  return engine
    .searchAll(connections, pattern, mode, scope, FIRST, (more) => hits.push(...more))
    .then((outcome) => ({ hits, outcome }));
}

/** The simple implementation: each connection's records through the table's record filter. */
function simple(
  sessions: { key: string; events: CaptureEvent[] }[],
  pattern: string,
  mode: SearchMode,
  scope: RowScope,
): { hits: ConnectionHits[]; previewOnly: number } {
  const matches = compileRowFilter({ ...scope, text: pattern, searchMode: mode });
  const inScope = compileRowFilter(scope);
  let previewOnly = 0;
  const hits: ConnectionHits[] = [];
  for (const { key, events } of sessions) {
    const found = events.flatMap((event, i) => (matches(event) ? [i] : []));
    const cut = events.filter(
      (event) =>
        inScope(event) &&
        !matches(event) &&
        (event.type === 'frame'
          ? event.frame.truncated
          : event.type === 'message' && event.message.truncated),
    ).length;
    previewOnly += cut;
    if (found.length > 0)
      hits.push({ key, count: found.length, first: found.slice(0, FIRST), previewOnly: cut });
  }
  return { hits, previewOnly };
}

const searches: { pattern: string; mode: SearchMode; scope: RowScope }[] = [
  { pattern: 'needle', mode: 'text', scope: { mode: 'messages', showControl: true } },
  { pattern: 'ÜNÏ', mode: 'text', scope: { mode: 'frames', showControl: true } },
  { pattern: 'ß', mode: 'text', scope: { mode: 'frames', showControl: false } },
  { pattern: '^\\d{4} bye', mode: 'regex', scope: { mode: 'frames', showControl: true } },
  { pattern: '€|"px":1', mode: 'regex', scope: { mode: 'messages', showControl: false } },
  { pattern: 'nothing like this', mode: 'text', scope: { mode: 'messages', showControl: true } },
  { pattern: 'KELVIN', mode: 'text', scope: { mode: 'frames', showControl: true } },
];

describe('search across all connections', () => {
  it('finds per connection exactly what the simple record filter finds, on random sessions', async () => {
    for (let seed = 21; seed <= 23; seed++) {
      const sessions = Array.from({ length: 12 }, (_, c) => ({
        key: `file1/c${c}`,
        // Some connections are empty or tiny, as in a reconnect storm.
        events: randomEvents(seed * 100 + c, c % 4 === 0 ? 1 : 50 + c * 150),
      }));
      const connections = sessions.map(({ key, events }) => {
        const log = new ConnectionLog();
        for (const event of events) log.append(event);
        return { key, log };
      });
      const engine = new SearchEngine(inProcessPort());
      for (const { pattern, mode, scope } of searches) {
        const expected = simple(sessions, pattern, mode, scope);
        const found = await searchAll(engine, connections, pattern, mode, scope);
        expect(found.hits).toEqual(expected.hits);
        expect(found.outcome).toMatchObject({ previewOnly: expected.previewOnly });
      }
    }
  }, 60_000);

  it('streams results in slices and stops a search when a newer one starts', async () => {
    const connections = Array.from({ length: 30 }, (_, c) => {
      const log = new ConnectionLog();
      for (const event of randomEvents(40 + c, 3000)) log.append(event);
      return { key: `live/c${c}`, log };
    });
    const engine = new SearchEngine(inProcessPort());
    const scope: RowScope = { mode: 'frames', showControl: true };
    const olderHits: ConnectionHits[][] = [];
    const older = engine.searchAll(connections, 'order', 'text', scope, FIRST, (hits) =>
      olderHits.push(hits),
    );
    // Let the older search answer its first slices, then replace it.
    while (olderHits.length === 0) await new Promise((resolve) => setTimeout(resolve, 0));
    const newer = searchAll(engine, connections, 'tick', 'text', scope);
    expect(await older).toBeNull();
    const seenBefore = olderHits.length;
    const found = await newer;
    expect(olderHits.length).toBe(seenBefore);
    expect(seenBefore).toBeLessThan(connections.length);
    expect(found.hits.map((h) => h.key)).toEqual(connections.map((c) => c.key));

    const cancelled = engine.searchAll(connections, 'needle', 'text', scope, FIRST, () => undefined);
    engine.cancelAll();
    expect(await cancelled).toBeNull();
  });

  it('is not cancelled by a table search, and reports an invalid pattern', async () => {
    const log = new ConnectionLog();
    for (const event of randomEvents(7, 4000)) log.append(event);
    const engine = new SearchEngine(inProcessPort());
    const scope: RowScope = { mode: 'messages', showControl: true };
    const all = searchAll(engine, [{ key: 'k', log }], 'needle', 'text', scope);
    const table = engine.search('k', log, Uint32Array.from([1, 2, 3]), 'x', 'text');
    expect(await table).not.toBeNull();
    const found = await all;
    expect(found.outcome).toMatchObject({ searched: expect.any(Number) as number });
    expect(found.hits).toHaveLength(1);
    const bad = await searchAll(engine, [{ key: 'k', log }], '(a+)+', 'regex', scope);
    expect(bad.outcome).toMatchObject({ error: expect.stringContaining('Nested') as string });
  });
});
