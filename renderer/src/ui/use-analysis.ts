import { useDeferredValue, useMemo } from 'react';
import type { ConnectionSummary, Finding, ImportedAnalysis } from '../../../shared/model/finding.js';
import type { ConnectionLog } from '../store/hot-log.js';
import type { ConnectionView } from '../store/connection-view.js';
import { analyzeLog } from '../store/log-analysis.js';
import { useInspector } from './store-context.js';
import { useNow } from './use-now.js';
import { throttleMsForLog, useThrottled } from './use-throttled.js';

export interface ConnectionAnalysis {
  summary: ConnectionSummary | undefined;
  findings: Finding[];
  /** The connection's session file is still being opened: nothing analysed yet. */
  pending?: boolean;
  /** Imported from a HAR: what it lacked and which findings could not be checked. */
  imported?: ImportedAnalysis;
}

/**
 * shared/analysis over one connection's log, memoised on (connection, revision). The revision is deferred so a busy
 * live connection re-analyses at React's pace, not on every animation-frame flush, and throttled for large logs.
 */
export function useConnectionAnalysis(
  view: ConnectionView,
  log: ConnectionLog | undefined,
): ConnectionAnalysis {
  const revision = useInspector((s) => s.revisions[view.key] ?? 0);
  const startedAt = useInspector((s) => s.sources[view.source]?.startedAt ?? 0);
  const loading = useInspector((s) => s.sources[view.source]?.loading === true);
  const imported = useInspector((s) => s.sources[view.source]?.imported);
  const throttledRevision = useThrottled(
    revision,
    view.readOnly ? 0 : throttleMsForLog(log?.events.length ?? 0),
  );
  const deferredRevision = useDeferredValue(throttledRevision);
  // A live connection that stays open keeps getting quieter: re-analyse every few seconds against the clock.
  const live = !view.readOnly && view.endT === undefined;
  const clock = useNow(live, 5000);
  const decoder = useInspector((s) => s.decoderOverrides[view.key]);
  const now = live ? clock - startedAt : undefined;
  return useMemo(() => {
    if (!log) return { summary: undefined, findings: [] };
    if (loading) return { summary: undefined, findings: [], pending: true };
    // A session file's reader analysed each connection as it read it (with the default decoder choice).
    if (log.analysis && !decoder) return log.analysis;
    // The log only grows; reading it for this revision is what the memo key stands for.
    void deferredRevision;
    const analysis = analyzeLog(log, {
      conn: view.conn,
      startedAt,
      ...(imported ? { imported } : {}),
      ...(decoder ? { decoder } : {}),
      ...(now !== undefined ? { now: Math.max(now, view.lastT) } : {}),
      recordingEnded: view.readOnly,
    });
    return {
      summary: analysis.connections[0],
      findings: analysis.findings,
      ...(analysis.imported ? { imported: analysis.imported } : {}),
    };
  }, [
    log,
    loading,
    startedAt,
    imported,
    deferredRevision,
    now,
    view.lastT,
    view.readOnly,
    view.conn,
    decoder,
  ]);
}
