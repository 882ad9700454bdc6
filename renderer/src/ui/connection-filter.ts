import type { ConnectionView } from '../store/connection-view.js';

/**
 * The connection list's filter: every word of `filter` (case-insensitive) must occur in the connection's URL, id,
 * state, HTTP status or mode ("proxy"), or the client address of a proxied connection. An empty filter keeps all.
 */
export function connectionMatcher(filter: string): (view: ConnectionView) => boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (view) => {
    const haystack = [
      view.url,
      view.conn,
      view.state,
      view.status === undefined ? '' : String(view.status),
      view.mode,
      view.peer ?? '',
      view.readOnly ? 'read-only' : '',
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  };
}
