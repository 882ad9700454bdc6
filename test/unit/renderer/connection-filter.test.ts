import { describe, expect, it } from 'vitest';
import { emptyConnectionView } from '../../../renderer/src/store/connection-view.js';
import { connectionMatcher } from '../../../renderer/src/ui/connection-filter.js';
import { stateBadge } from '../../../renderer/src/ui/describe.js';

const view = (conn: string, url: string, readOnly = false) => {
  const v = emptyConnectionView(readOnly ? 'file-1' : 'live', conn, `live/${conn}`, readOnly);
  v.url = url;
  v.state = 'open';
  v.status = 101;
  return v;
};

describe('connection list filter', () => {
  const a = view('c1', 'ws://127.0.0.1:8080/chat?room=alpha');
  const b = view('c2', 'wss://api.example.test/feed', true);

  it('keeps connections whose URL, id, state or status hold every word, ignoring case', () => {
    expect([a, b].filter(connectionMatcher('ROOM=alpha'))).toEqual([a]);
    expect([a, b].filter(connectionMatcher('example open'))).toEqual([b]);
    expect([a, b].filter(connectionMatcher('c2'))).toEqual([b]);
    expect([a, b].filter(connectionMatcher('read-only'))).toEqual([b]);
    expect([a, b].filter(connectionMatcher('101'))).toEqual([a, b]);
    expect([a, b].filter(connectionMatcher('  '))).toEqual([a, b]);
    expect([a, b].filter(connectionMatcher('alpha feed'))).toEqual([]);
  });

  it('never shows a connection from a file as open', () => {
    expect(stateBadge(a, false).label).toBe('open');
    expect(stateBadge(b, true).label).toBe('read-only');
    expect(stateBadge(b, false).label).toBe('cut');
    b.endT = 10;
    b.state = 'closed';
    expect(stateBadge(b, false).label).toBe('closed');
  });
});
