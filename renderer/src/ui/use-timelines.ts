import { useDeferredValue, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionLog } from '../store/hot-log.js';
import type { ConnKey } from '../store/keys.js';
import type { DecoderChoiceId } from '../../../shared/decoders/types.js';
import type { TimelineData } from '../timeline/timeline-data.js';
import { deriveTimeline } from '../timeline/timeline-data.js';
import { useInspector, useInspectorStore } from './store-context.js';
import { useNow } from './use-now.js';

interface Cached {
  revision: number;
  now: number | undefined;
  decoder: DecoderChoiceId | undefined;
  data: TimelineData;
}

/** One derivation per (connection log, revision, clock): shared by every view that draws the same connection. */
const cache = new WeakMap<ConnectionLog, Cached>();

function timelineOf(
  log: ConnectionLog,
  revision: number,
  now: number | undefined,
  decoder: DecoderChoiceId | undefined,
): TimelineData {
  const hit = cache.get(log);
  if (hit && hit.revision === revision && hit.now === now && hit.decoder === decoder) return hit.data;
  const data = deriveTimeline(Array.from(log.events.range()), now, decoder);
  cache.set(log, { revision, now, decoder, data });
  return data;
}

export interface TimelineRow {
  key: ConnKey;
  data: TimelineData;
}

/**
 * Timelines of the given connections, memoised on their revisions. Revisions are deferred so a busy live
 * connection is re-derived at React's pace; open live connections re-derive once a second so the final silence grows.
 */
export function useTimelines(keys: readonly ConnKey[]): TimelineRow[] {
  const store = useInspectorStore();
  const revisions = useInspector(useShallow((s) => keys.map((key) => s.revisions[key] ?? 0)));
  const live = useInspector((s) =>
    keys.some((key) => {
      const view = s.connections[key];
      return view !== undefined && !view.readOnly && view.endT === undefined;
    }),
  );
  const startedAt = useInspector((s) => {
    const first = keys[0] ? s.connections[keys[0]] : undefined;
    return first ? (s.sources[first.source]?.startedAt ?? 0) : 0;
  });
  const overrides = useInspector((s) => s.decoderOverrides);
  const deferred = useDeferredValue(revisions);
  const clock = useNow(live, 1000);
  const now = live ? clock - startedAt : undefined;
  return useMemo(() => {
    const rows: TimelineRow[] = [];
    keys.forEach((key, i) => {
      const log = store.hot.get(key);
      const view = store.getState().connections[key];
      if (!log || !view) return;
      const open = !view.readOnly && view.endT === undefined;
      rows.push({ key, data: timelineOf(log, deferred[i] ?? 0, open ? now : undefined, overrides[key]) });
    });
    return rows;
  }, [store, keys, deferred, now, overrides]);
}
