import { useDeferredValue, useMemo, useSyncExternalStore } from 'react';
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
  /** The text search has not caught up yet (it runs off the main thread). */
  pending: boolean;
  /** Rows not matched whose payload was recorded only in part: only that part could be searched. */
  previewOnly: number;
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
  const searched = useSyncExternalStore(store.rowIndex.subscribe, () => store.rowIndex.version);
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
    const found = key && log ? store.rowIndex.view(key, log, filter) : undefined;
    const rows = found?.rows ?? EMPTY;
    // The row list grows with the log (`revision`) and with search answers (`searched`).
    void searched;
    return {
      rows,
      log,
      count: rows.length,
      revision,
      pending: found?.pending ?? false,
      previewOnly: found?.previewOnly ?? 0,
    };
  }, [store, key, revision, searched, mode, showControl, dirFilter, text, searchMode, types, size, override]);
}
