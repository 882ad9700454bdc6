import { useDeferredValue, useMemo } from 'react';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { ConnectionSummary, Finding } from '../../../shared/model/finding.js';
import type { ConnectionLog } from '../store/hot-log.js';
import type { ConnectionView } from '../store/connection-view.js';
import { useInspector } from './store-context.js';
import { useNow } from './use-now.js';

export interface ConnectionAnalysis {
  summary: ConnectionSummary | undefined;
  findings: Finding[];
}

/**
 * shared/analysis over one connection's log, memoised on (connection, revision). The revision is deferred so a busy
 * live connection re-analyses at React's pace, not on every animation-frame flush.
 */
export function useConnectionAnalysis(
  view: ConnectionView,
  log: ConnectionLog | undefined,
): ConnectionAnalysis {
  const revision = useInspector((s) => s.revisions[view.key] ?? 0);
  const startedAt = useInspector((s) => s.sources[view.source]?.startedAt ?? 0);
  const deferredRevision = useDeferredValue(revision);
  // A live connection that stays open keeps getting quieter: re-analyse every few seconds against the clock.
  const live = !view.readOnly && view.endT === undefined;
  const clock = useNow(live, 5000);
  const now = live ? clock - startedAt : undefined;
  return useMemo(() => {
    if (!log) return { summary: undefined, findings: [] };
    // The log only grows; reading it for this revision is what the memo key stands for.
    void deferredRevision;
    const events = Array.from(log.events.range());
    const analysis = analyzeSession(
      { header: { startedAt }, events },
      now !== undefined ? { now: Math.max(now, view.lastT) } : {},
    );
    return { summary: analysis.connections[0], findings: analysis.findings };
  }, [log, startedAt, deferredRevision, now, view.lastT]);
}
