import type { ConnectionView } from '../store/connection-view.js';
import type { ConnKey } from '../store/keys.js';

type GroupInput = Pick<ConnectionView, 'key' | 'conn' | 'source' | 'url' | 'reconnectOf' | 'state'>;

/** Connections to one endpoint: a reconnect chain (via `reconnectOf`) or repeated connects to the same URL. */
export interface ReconnectGroup {
  id: string;
  url: string;
  /** Oldest first. */
  keys: ConnKey[];
  outcomes: { open: number; closed: number; failed: number };
}

/** A reconnect belongs to its predecessor's group; anything else to the group of its source and URL. */
export function groupReconnects(views: readonly GroupInput[]): ReconnectGroup[] {
  const groupOf = new Map<string, string>();
  const byId = new Map<string, ReconnectGroup>();
  const groups: ReconnectGroup[] = [];
  for (const view of views) {
    const parent = view.reconnectOf ? groupOf.get(`${view.source}/${view.reconnectOf}`) : undefined;
    const id = parent ?? `${view.source}|${view.url}`;
    groupOf.set(`${view.source}/${view.conn}`, id);
    let group = byId.get(id);
    if (!group) {
      group = { id, url: view.url, keys: [], outcomes: { open: 0, closed: 0, failed: 0 } };
      byId.set(id, group);
      groups.push(group);
    }
    group.keys.push(view.key);
    if (view.state === 'failed') group.outcomes.failed++;
    else if (view.state === 'closed') group.outcomes.closed++;
    else group.outcomes.open++;
  }
  return groups;
}

export function describeOutcomes(group: ReconnectGroup): string {
  const { open, closed, failed } = group.outcomes;
  const parts = [
    open > 0 ? `${open} open` : '',
    closed > 0 ? `${closed} closed` : '',
    failed > 0 ? `${failed} failed` : '',
  ].filter(Boolean);
  return `${group.keys.length} attempts · ${parts.join(' · ')}`;
}

/** The attempts of the endpoint `key` belongs to, oldest first (just `key` when it stands alone). */
export function attemptsOf(views: readonly GroupInput[], key: ConnKey): ConnKey[] {
  return groupReconnects(views).find((g) => g.keys.includes(key))?.keys ?? [key];
}

/** "All attempts" draws at most this many (around the selected one): a reconnect storm can have thousands. */
export const MAX_ATTEMPT_ROWS = 100;

/** Up to MAX_ATTEMPT_ROWS consecutive attempts, the selected one among them (centred where possible). */
export function attemptWindow(keys: readonly string[], selected: string): { first: number; keys: string[] } {
  if (keys.length <= MAX_ATTEMPT_ROWS) return { first: 0, keys: [...keys] };
  const at = Math.max(0, keys.indexOf(selected));
  const first = Math.min(keys.length - MAX_ATTEMPT_ROWS, Math.max(0, at - MAX_ATTEMPT_ROWS / 2));
  return { first, keys: keys.slice(first, first + MAX_ATTEMPT_ROWS) };
}
