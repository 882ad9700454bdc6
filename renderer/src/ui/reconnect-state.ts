import type { ReconnectNotice } from '../../../shared/api/contract.js';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnKey } from '../store/keys.js';
import { formatDuration } from '../format/time.js';

/** What a connection of a reconnect chain says about the chain, from the chain's latest notice. */
export interface ChainStatus {
  text: string;
  /** The chain may still open connections: "Stop reconnecting" means something. */
  active: boolean;
  /** The chain's newest connection, when it is not this one. */
  latest?: ConnKey;
}

const keyOf = (view: ConnectionView, conn: string): ConnKey => `${view.source}/${conn}`;

/** The first connection of the chain `view` belongs to (itself when it is not a reconnect). */
export function chainRoot(
  view: ConnectionView,
  connections: Readonly<Record<ConnKey, ConnectionView>>,
): ConnKey {
  let current = view;
  const seen = new Set<ConnKey>([view.key]);
  while (current.reconnectOf !== undefined) {
    const previous = connections[keyOf(current, current.reconnectOf)];
    if (!previous || seen.has(previous.key)) break;
    seen.add(previous.key);
    current = previous;
  }
  return current.key;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The chain's state as this connection should show it. `notice` is the chain's latest notice (keyed by its first
 * connection); `sourceViews` are the connections of `view`'s source. Null when there is nothing to say.
 */
export function chainStatus(
  view: ConnectionView,
  notice: ReconnectNotice | undefined,
  sourceViews: Iterable<ConnectionView>,
): ChainStatus | null {
  if (!notice) return null;
  const active = notice.state === 'scheduled';
  const followers = new Map<string, ConnectionView>();
  let noticed: ConnectionView | undefined;
  for (const other of sourceViews) {
    if (other.reconnectOf !== undefined) followers.set(other.reconnectOf, other);
    if (other.conn === notice.conn) noticed = other;
  }
  // The chain's newest connection: follow the reconnects from the one the latest notice is about.
  let newest = noticed;
  for (let next = followers.get(notice.conn); next; next = followers.get(next.conn)) newest = next;
  const ended = view.endT !== undefined || view.state === 'closed' || view.state === 'failed';

  let chain: string;
  if (notice.state === 'exhausted')
    chain = `Gave up reconnecting after ${plural(notice.attempt, 'attempt')}.`;
  else if (notice.state === 'stopped') chain = 'Reconnecting was stopped.';
  else if (newest && newest !== noticed) chain = `Reconnect attempt ${notice.attempt} is ${newest.state}.`;
  else
    chain = `Reconnect attempt ${notice.attempt} scheduled${notice.delayMs !== undefined ? ` after ${formatDuration(notice.delayMs)}` : ''}.`;

  if (newest !== noticed && newest?.key === view.key)
    return active ? { text: 'Reconnects again if this connection ends.', active } : null;
  const latest = newest && newest.key !== view.key ? { latest: newest.key } : {};
  if (notice.conn === view.conn) return { text: chain, active, ...latest };
  if (!ended) return null;
  const follower = followers.get(view.conn);
  const followed = follower ? `Reconnect attempt ${follower.attempt ?? '?'} followed this one. ` : '';
  return { text: `${followed}${chain}`, active, ...latest };
}
