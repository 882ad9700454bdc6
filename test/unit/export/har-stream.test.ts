import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHar, type HarOptions } from '../../../shared/export/har.js';
import { HarStream, type HarList } from '../../../shared/export/har-stream.js';
import { sessionOrigin } from '../../../shared/export/session-clock.js';
import type { Session } from '../../../shared/model/session.js';
import { header } from '../analysis/builders.js';
import { sessionArb } from '../analysis/random-session.js';
import { sampleSession } from './session-fixture.js';

/** The HAR text streamed record by record, its lists spooled in memory. */
function streamed(session: Session, options: HarOptions = {}): string {
  const lists = new Map<string, string[]>();
  const key = (conn: string, list: HarList) => `${list} ${conn}`;
  const stream = new HarStream(
    sessionOrigin(session),
    {
      append: (conn, list, text) => {
        const k = key(conn, list);
        lists.set(k, [...(lists.get(k) ?? []), text]);
      },
    },
    options,
  );
  for (const event of session.events) stream.push(event);
  return stream
    .pieces(session.header)
    .map((piece) =>
      typeof piece === 'string' ? piece : (lists.get(key(piece.conn, piece.list)) ?? []).join(''),
    )
    .join('');
}

const whole = (session: Session, options: HarOptions = {}): string =>
  JSON.stringify(toHar(session, options), null, 2) + '\n';

describe('HarStream', () => {
  it('writes the text of toHar for the sample session, with and without frames', () => {
    const session = sampleSession();
    expect(streamed(session)).toBe(whole(session));
    expect(streamed(session, { frames: false })).toBe(whole(session, { frames: false }));
  });

  it('writes the same text for a redacted header, a header without start time and a session without records', () => {
    const redacted = sampleSession();
    redacted.header.redaction = { rules: [{ rule: 'header:Authorization', replaced: 3 }] };
    expect(streamed(redacted)).toBe(whole(redacted));
    const clockless = sampleSession();
    clockless.header.startedAt = 0;
    expect(streamed(clockless)).toBe(whole(clockless));
    const empty = { header: sampleSession().header, events: [] };
    expect(streamed(empty)).toBe(whole(empty));
  });

  it('writes the text of toHar for random interleaved sessions', () => {
    fc.assert(
      fc.property(sessionArb, fc.boolean(), (events, frames) => {
        const session = { header, events };
        expect(streamed(session, { frames })).toBe(whole(session, { frames }));
      }),
      { numRuns: 200 },
    );
  });
});
