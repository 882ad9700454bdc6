import { useDeferredValue, useMemo } from 'react';
import { ROW_TYPES } from '../filters/row-types.js';
import type { ConnectionLog } from '../store/hot-log.js';
import type { ConnKey } from '../store/keys.js';
import type { RowFilter } from '../store/rows.js';
import { decodedMessage, decoderChoiceOf } from '../store/decoder-choice.js';
import { useInspector, useInspectorStore } from './store-context.js';

const EMPTY = new Uint32Array(0);

/** The selected filter's rows for a connection; re-evaluated when the connection's revision changes. */
export function useRows(key: ConnKey | null): {
  rows: ArrayLike<number>;
  log: ConnectionLog | undefined;
  count: number;
  revision: number;
} {
  const store = useInspectorStore();
  const revision = useInspector((s) => (key ? (s.revisions[key] ?? 0) : 0));
  const mode = useInspector((s) => s.viewMode);
  const showControl = useInspector((s) => s.showControl);
  const dirFilter = useInspector((s) => s.dirFilter);
  // Deferred so typing stays responsive while a long capture is searched.
  const text = useDeferredValue(useInspector((s) => s.textFilter.trim()));
  const searchMode = useInspector((s) => s.searchMode);
  const types = useInspector((s) => s.typeFilter);
  const size = useInspector((s) => s.sizeFilter);
  const override = useInspector((s) => (key ? s.decoderOverrides[key] : undefined));
  return useMemo(() => {
    const log = key ? store.hot.get(key) : undefined;
    const view = key ? store.getState().connections[key] : undefined;
    const filter: RowFilter = { mode, showControl };
    if (log && view) {
      const choice = decoderChoiceOf(log, view, override);
      filter.decoder = choice;
      filter.decode = (message) => decodedMessage(log, message, choice);
    }
    if (dirFilter !== 'both') filter.dir = dirFilter;
    if (text) {
      filter.text = text;
      filter.searchMode = searchMode;
    }
    if (types.length < ROW_TYPES.length) filter.types = types;
    if (size.min !== null) filter.minSize = size.min;
    if (size.max !== null) filter.maxSize = size.max;
    const rows = key && log ? store.rowIndex.rows(key, log, filter) : EMPTY;
    // `rows` is append-only and reused (so `revision` must stay a dependency); `count` is what consumers watch.
    return { rows, log, count: rows.length, revision };
  }, [store, key, revision, mode, showControl, dirFilter, text, searchMode, types, size, override]);
}
