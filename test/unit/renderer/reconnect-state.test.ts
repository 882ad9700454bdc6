import { describe, expect, it } from 'vitest';
import type { ReconnectNotice } from '../../../shared/api/contract.js';
import type { ConnectionState, ConnectionView } from '../../../renderer/src/store/connection-view.js';
import { emptyConnectionView } from '../../../renderer/src/store/connection-view.js';
import { chainRoot, chainStatus } from '../../../renderer/src/ui/reconnect-state.js';

function view(
  conn: string,
  state: ConnectionState,
  of?: { reconnectOf: string; attempt: number },
): ConnectionView {
  const v = emptyConnectionView('live', conn, `live/${conn}`, false);
  v.state = state;
  if (state === 'closed' || state === 'failed') v.endT = 10;
  if (of) Object.assign(v, of);
  return v;
}

const notice = (conn: string, state: ReconnectNotice['state'], attempt: number, delayMs?: number) => ({
  conn,
  chain: 'c1',
  state,
  attempt,
  ...(delayMs !== undefined ? { delayMs } : {}),
});

describe('reconnect chain state on each of its connections', () => {
  const c1 = view('c1', 'closed');
  const c2 = view('c2', 'closed', { reconnectOf: 'c1', attempt: 1 });

  it('a chain that gave up says so on every attempt, and offers no stop button', () => {
    const c3 = view('c3', 'failed', { reconnectOf: 'c2', attempt: 2 });
    const all = [c1, c2, c3];
    const exhausted = notice('c3', 'exhausted', 2);
    expect(chainStatus(c1, exhausted, all)).toEqual({
      text: 'Reconnect attempt 1 followed this one. Gave up reconnecting after 2 attempts.',
      active: false,
      latest: 'live/c3',
    });
    expect(chainStatus(c2, exhausted, all)).toMatchObject({
      text: 'Reconnect attempt 2 followed this one. Gave up reconnecting after 2 attempts.',
      active: false,
    });
    expect(chainStatus(c3, exhausted, all)).toEqual({
      text: 'Gave up reconnecting after 2 attempts.',
      active: false,
    });
    const byKey = Object.fromEntries(all.map((v) => [v.key, v]));
    expect(all.map((v) => chainRoot(v, byKey))).toEqual(['live/c1', 'live/c1', 'live/c1']);
  });

  it('while a reconnect is pending or open, every attempt can stop the chain', () => {
    const scheduled = notice('c2', 'scheduled', 2, 400);
    expect(chainStatus(c1, scheduled, [c1, c2])).toMatchObject({
      text: 'Reconnect attempt 1 followed this one. Reconnect attempt 2 scheduled after 400 ms.',
      active: true,
    });
    expect(chainStatus(c2, scheduled, [c1, c2])).toEqual({
      text: 'Reconnect attempt 2 scheduled after 400 ms.',
      active: true,
    });
    const c3 = view('c3', 'open', { reconnectOf: 'c2', attempt: 2 });
    expect(chainStatus(c2, scheduled, [c1, c2, c3])).toEqual({
      text: 'Reconnect attempt 2 is open.',
      active: true,
      latest: 'live/c3',
    });
    expect(chainStatus(c3, scheduled, [c1, c2, c3])).toEqual({
      text: 'Reconnects again if this connection ends.',
      active: true,
    });
    // Stopped while attempt 2 is open: the open one says so, and nothing offers to stop it again.
    const stopped = notice('c3', 'stopped', 2);
    expect(chainStatus(c3, stopped, [c1, c2, c3])).toEqual({
      text: 'Reconnecting was stopped.',
      active: false,
    });
    expect(chainStatus(c1, stopped, [c1, c2, c3])?.active).toBe(false);
  });

  it('says nothing without a chain', () => {
    expect(chainStatus(c1, undefined, [c1])).toBeNull();
  });
});
