import { describe, expect, it } from 'vitest';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { compileRowFilter, RowIndex } from '../../../renderer/src/store/rows.js';
import type { RowFilter } from '../../../renderer/src/store/rows.js';
import { closeFrame, frame, message } from './fake-api.js';
import { randomEvents } from './random-session.js';

function logOf(): ConnectionLog {
  const log = new ConnectionLog();
  log.append(frame('c1', 1, 'c2s', 1, 'hello world', { fin: false }));
  log.append(frame('c1', 2, 'c2s', 0, ' and more'));
  log.append(frame('c1', 3, 's2c', 2, '\u0001\u0002\u0003'));
  log.append(frame('c1', 4, 's2c', 9, 'ping-data'));
  log.append(frame('c1', 5, 'c2s', 10, 'ping-data'));
  log.append(frame('c1', 6, 's2c', 1, `{"type":"tick","n":42}`));
  log.append(closeFrame('c1', 7, 's2c', 4001, 'bye now'));
  return log;
}

const seqs = (log: ConnectionLog, filter: RowFilter): number[] =>
  Array.from(new RowIndex().rows('k', log, filter))
    .map((i) => log.at(i))
    .map((e) => e?.t ?? -1);

const frames: RowFilter = { mode: 'frames', showControl: true };

describe('row filters', () => {
  it('keeps only the chosen types, continuation included', () => {
    const log = logOf();
    expect(seqs(log, { ...frames, types: ['continuation', 'pong'] })).toEqual([2, 5]);
    expect(seqs(log, { ...frames, types: ['text', 'close'] })).toEqual([1, 6, 7]);
    expect(seqs(log, { ...frames, types: [] })).toEqual([]);
  });

  it('keeps sizes within inclusive bounds', () => {
    const log = logOf();
    expect(seqs(log, { ...frames, minSize: 9, maxSize: 9 })).toEqual([2, 4, 5, 7]);
    expect(seqs(log, { ...frames, maxSize: 3 })).toEqual([3]);
  });

  it('searches by regex, close reasons included', () => {
    const log = logOf();
    expect(seqs(log, { ...frames, text: '"n":\\d{2}\\}$', searchMode: 'regex' })).toEqual([6]);
    expect(seqs(log, { ...frames, text: '^4001 BYE', searchMode: 'regex' })).toEqual([7]);
  });

  it('treats an invalid regex as no text filter (the UI shows the error)', () => {
    const log = logOf();
    expect(seqs(log, { ...frames, text: '(oops', searchMode: 'regex' })).toHaveLength(7);
  });

  it('searches the whole recorded payload, past the first 16 KiB', () => {
    const log = new ConnectionLog();
    log.append(frame('c1', 1, 's2c', 1, `${'a'.repeat(100_000)}NEEDLE`));
    expect(seqs(log, { ...frames, text: 'needle' })).toEqual([1]);
    expect(seqs(log, { ...frames, text: 'needle!' })).toEqual([]);
    expect(seqs(log, { ...frames, text: 'a{3}N', searchMode: 'regex' })).toEqual([1]);
  });

  it('is compiled once and reused for every event', () => {
    const matches = compileRowFilter({ ...frames, text: 'tick', searchMode: 'regex' });
    const log = logOf();
    const kept = [...log.events.range()].filter(matches);
    expect(kept).toHaveLength(1);
  });

  it('extends per-filter row lists incrementally', () => {
    const log = logOf();
    const index = new RowIndex();
    const filter: RowFilter = { ...frames, types: ['text'] };
    expect(index.rows('k', log, filter)).toHaveLength(2);
    log.append(frame('c1', 8, 'c2s', 1, 'late'));
    expect(index.rows('k', log, filter)).toHaveLength(3);
  });
});

describe('view modes', () => {
  it('show frames or messages, and control frames only when asked, in columns as in records', () => {
    const events = [
      frame('c1', 1, 'c2s', 1, 'hi'),
      message('c1', 1, 'c2s', 0, [0], 'hi'),
      frame('c1', 2, 's2c', 9, 'ping'),
      frame('c1', 3, 's2c', 2, 'b'),
      message('c1', 3, 's2c', 1, [2], 'b'),
      closeFrame('c1', 4, 's2c', 1000),
    ];
    const log = new ConnectionLog();
    for (const event of events) log.append(event);
    const shown = (filter: RowFilter) => Array.from(new RowIndex().rows('k', log, filter));
    const simple = (filter: RowFilter) =>
      events.flatMap((event, i) => (compileRowFilter(filter)(event) ? [i] : []));
    const cases: [RowFilter, number[]][] = [
      [{ mode: 'frames', showControl: true }, [0, 2, 3, 5]],
      [{ mode: 'frames', showControl: false }, [0, 3]],
      [{ mode: 'messages', showControl: true }, [1, 2, 4, 5]],
      [{ mode: 'messages', showControl: false }, [1, 4]],
    ];
    for (const [filter, rows] of cases) {
      expect(shown(filter), JSON.stringify(filter)).toEqual(rows);
      expect(simple(filter), JSON.stringify(filter)).toEqual(rows);
    }
  });
});

describe('row filters over the columnar log', () => {
  const filters: RowFilter[] = [
    { mode: 'messages', showControl: true },
    { mode: 'messages', showControl: false },
    { mode: 'frames', showControl: true },
    { mode: 'frames', showControl: false },
    { mode: 'messages', showControl: false, dir: 's2c' },
    { mode: 'frames', showControl: true, types: ['text', 'ping', 'close'] },
    { mode: 'frames', showControl: false, minSize: 10, maxSize: 40 },
    { mode: 'messages', showControl: true, text: 'needle' },
    { mode: 'frames', showControl: true, text: 'ÜNÏ' },
    { mode: 'frames', showControl: true, text: '^\\d{4} bye', searchMode: 'regex' },
    { mode: 'messages', showControl: true, text: 'a+needle$', searchMode: 'regex' },
    { mode: 'messages', showControl: true, text: '€|ß', searchMode: 'regex', dir: 'c2s' },
    { mode: 'messages', showControl: true, text: '(bad', searchMode: 'regex' },
  ];

  it('keeps exactly the rows the simple record filter keeps, on random sessions', () => {
    for (let seed = 1; seed <= 6; seed++) {
      const events = randomEvents(seed, 1500);
      const log = new ConnectionLog();
      // Half the rows first, then the rest: the lists are extended as the log grows.
      const index = new RowIndex();
      for (const event of events.slice(0, 700)) log.append(event);
      for (const filter of filters) index.rows('k', log, filter);
      for (const event of events.slice(700)) log.append(event);
      for (const filter of filters) {
        const simple = compileRowFilter(filter);
        const expected = events.flatMap((event, i) => (simple(event) ? [i] : []));
        expect(Array.from(new RowIndex().rows('k', log, filter))).toEqual(expected);
        expect(Array.from(index.rows('k', log, filter))).toEqual(expected);
      }
    }
  });
});
