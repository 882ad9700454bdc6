import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  attemptWindow,
  describeOutcomes,
  groupReconnects,
  MAX_ATTEMPT_ROWS,
} from '../../../renderer/src/ui/reconnect-groups.js';
import type { ConnectionState } from '../../../renderer/src/store/connection-view.js';

const view = (conn: string, url: string, state: ConnectionState, reconnectOf?: string, source = 'live') => ({
  key: `${source}/${conn}`,
  conn,
  source,
  url,
  state,
  ...(reconnectOf ? { reconnectOf } : {}),
});

describe('groupReconnects', () => {
  const views = [
    view('c1', 'ws://a/x', 'closed'),
    view('c2', 'ws://b/y', 'open'),
    view('c3', 'ws://a/x?token=2', 'failed', 'c1'),
    view('c4', 'ws://a/x?token=3', 'open', 'c3'),
    view('c5', 'ws://b/y', 'failed'),
    view('c1', 'ws://a/x', 'closed', undefined, 'file1'),
  ];

  it('follows reconnect chains even when the URL changes, and groups repeats of a URL', () => {
    const groups = groupReconnects(views);
    expect(groups.map((g) => g.keys)).toEqual([
      ['live/c1', 'live/c3', 'live/c4'],
      ['live/c2', 'live/c5'],
      ['file1/c1'],
    ]);
    expect(groups[0]?.outcomes).toEqual({ open: 1, closed: 1, failed: 1 });
    expect(describeOutcomes(groups[0]!)).toBe('3 attempts · 1 open · 1 closed · 1 failed');
  });

  it('lists the attempts of one connection oldest first', () => {
    expect(attemptsOf(views, 'live/c4')).toEqual(['live/c1', 'live/c3', 'live/c4']);
    expect(attemptsOf(views, 'nope')).toEqual(['nope']);
  });

  it('draws at most 100 attempts of a storm, around the selected one', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `file1/c${i}`);
    const middle = attemptWindow(keys, 'file1/c4321');
    expect(middle.keys).toHaveLength(MAX_ATTEMPT_ROWS);
    expect(middle.first).toBe(4271);
    expect(middle.keys).toContain('file1/c4321');
    expect(attemptWindow(keys, 'file1/c3').first).toBe(0);
    expect(attemptWindow(keys, 'file1/c9999').keys.at(-1)).toBe('file1/c9999');
    expect(attemptWindow(keys.slice(0, 7), 'file1/c3')).toEqual({ first: 0, keys: keys.slice(0, 7) });
  });
});
