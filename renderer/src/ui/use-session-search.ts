import { useEffect, useMemo, useRef, useState } from 'react';
import type { ConnectionHits } from '../filters/search-core.js';
import { inProcessPort, SearchEngine } from '../filters/search-engine.js';
import type { SearchMode } from '../filters/search-pattern.js';
import { compileSearch } from '../filters/search-pattern.js';
import { useInspector, useInspectorStore } from './store-context.js';

/** Matching rows shown per connection; the count covers all of them. */
export const FIRST_ROWS = 3;
/** Typing pauses this long before a search starts; a newer search cancels the running one anyway. */
const DEBOUNCE_MS = 150;
/** A live session that keeps growing is searched again at most this often. */
const LIVE_REFRESH_MS = 1000;

export interface SessionSearchState {
  hits: ConnectionHits[];
  running: boolean;
  error: string | null;
  /** Rows that did not match but whose payload was recorded only in part. */
  previewOnly: number;
}

const IDLE: SessionSearchState = { hits: [], running: false, error: null, previewOnly: 0 };

/**
 * Searches every connection of every open source (in the worker), as the user types: results stream in grouped by
 * connection, a change of text cancels the search in flight, and a growing live session is searched again.
 */
export function useSessionSearch(pattern: string, mode: SearchMode): SessionSearchState {
  const store = useInspectorStore();
  const viewMode = useInspector((s) => s.viewMode);
  const showControl = useInspector((s) => s.showControl);
  const revision = useInspector((s) => s.revision);
  const engine = useMemo(() => store.search ?? new SearchEngine(inProcessPort()), [store]);
  const query = [pattern, mode, viewMode, showControl].join('\u0000');
  const compileError = useMemo(() => {
    const compiled = pattern ? compileSearch(pattern, mode) : undefined;
    return compiled && !compiled.ok ? compiled.error : null;
  }, [pattern, mode]);
  // The answer and the query it answers: a new query shows nothing until its first results land, while a live
  // refresh of the same query keeps the results on screen.
  const [answer, setAnswer] = useState<{ query: string; state: SessionSearchState }>({
    query: '',
    state: IDLE,
  });
  const lastRun = useRef(Number.NEGATIVE_INFINITY);
  const searchedRevision = useRef(revision);
  const [refresh, setRefresh] = useState(0);

  // Live records re-run the search, throttled: `refresh` changes at most once per LIVE_REFRESH_MS.
  useEffect(() => {
    if (!pattern || revision === searchedRevision.current) return;
    const wait = lastRun.current + LIVE_REFRESH_MS - performance.now();
    const timer = setTimeout(() => setRefresh(revision), Math.max(0, wait));
    return () => clearTimeout(timer);
  }, [revision, pattern]);

  useEffect(() => {
    if (!pattern || compileError) {
      engine.cancelAll();
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      lastRun.current = performance.now();
      searchedRevision.current = store.getState().revision;
      const { connectionOrder, sources } = store.getState();
      // Sources in the order they were opened, each connection in its recorded order.
      const order = Object.keys(sources);
      const sourceOf = (key: string): number => order.indexOf(key.slice(0, key.indexOf('/')));
      const keys = [...connectionOrder].sort((a, b) => sourceOf(a) - sourceOf(b));
      const connections = keys.flatMap((key) => {
        const log = store.hot.get(key);
        return log ? [{ key, log }] : [];
      });
      let found: ConnectionHits[] = [];
      let first = true;
      const show = (state: SessionSearchState) => setAnswer({ query, state });
      setAnswer((previous) => ({
        query,
        state: previous.query === query ? { ...previous.state, running: true } : { ...IDLE, running: true },
      }));
      void engine
        .searchAll(connections, pattern, mode, { mode: viewMode, showControl }, FIRST_ROWS, (hits) => {
          if (!current) return;
          found = first ? hits : [...found, ...hits];
          first = false;
          show({ hits: found, running: true, error: null, previewOnly: 0 });
        })
        .then((outcome) => {
          if (!current || outcome === null) return;
          show(
            'error' in outcome
              ? { ...IDLE, error: outcome.error }
              : { hits: found, running: false, error: null, previewOnly: outcome.previewOnly },
          );
        });
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [engine, store, query, pattern, mode, viewMode, showControl, compileError, refresh]);

  useEffect(() => () => engine.cancelAll(), [engine]);
  if (!pattern) return IDLE;
  if (compileError) return { ...IDLE, error: compileError };
  return answer.query === query ? answer.state : { ...IDLE, running: true };
}
