import { useMemo } from 'react';
import type { ConnectionLog } from '../store/hot-log.js';
import type { ConnKey } from '../store/keys.js';
import { useInspector, useInspectorStore } from './store-context.js';

const EMPTY: readonly number[] = [];

/** The selected filter's rows for a connection; re-evaluated when the connection's revision changes. */
export function useRows(key: ConnKey | null): {
  rows: readonly number[];
  log: ConnectionLog | undefined;
  count: number;
  revision: number;
} {
  const store = useInspectorStore();
  const revision = useInspector((s) => (key ? (s.revisions[key] ?? 0) : 0));
  const mode = useInspector((s) => s.viewMode);
  const showControl = useInspector((s) => s.showControl);
  return useMemo(() => {
    const log = key ? store.hot.get(key) : undefined;
    const rows = key && log ? store.rowIndex.rows(key, log, { mode, showControl }) : EMPTY;
    // `rows` is append-only and reused (so `revision` must stay a dependency); `count` is what consumers watch.
    return { rows, log, count: rows.length, revision };
  }, [store, key, revision, mode, showControl]);
}
