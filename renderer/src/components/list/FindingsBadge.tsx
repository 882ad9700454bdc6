import { useDeferredValue, useMemo } from 'react';
import type { Severity } from '../../../../shared/model/finding.js';
import type { ConnectionView } from '../../store/connection-view.js';
import { analyzeLog } from '../../store/log-analysis.js';
import { useInspector, useInspectorStore } from '../../ui/store-context.js';
import { useNow } from '../../ui/use-now.js';
import { throttleMsForLog, useThrottled } from '../../ui/use-throttled.js';

const ORDER: Severity[] = ['error', 'warning', 'info'];

const ICON: Record<Severity, string> = { error: '✕', warning: '⚠', info: 'ℹ' };

/**
 * Count of the connection's findings, shown with the worst severity. A live connection is re-analysed at most every
 * few seconds (not on every flush), so a busy list stays cheap.
 */
export function FindingsBadge({ view }: { view: ConnectionView }) {
  const store = useInspectorStore();
  const live = !view.readOnly && view.endT === undefined;
  const revision = useInspector((s) => s.revisions[view.key] ?? 0);
  const startedAt = useInspector((s) => s.sources[view.source]?.startedAt ?? 0);
  // Deferred so a big file's last rows are painted before its (long) analysis runs.
  const loading = useDeferredValue(
    useInspector((s) => s.sources[view.source]?.loading === true),
    true,
  );
  const clock = useNow(live, 3000);
  const decoder = useInspector((s) => s.decoderOverrides[view.key]);
  const size = store.hot.get(view.key)?.events.length ?? 0;
  const throttledRevision = useThrottled(live ? 0 : revision, view.readOnly ? 0 : throttleMsForLog(size));
  const settledRevision = useDeferredValue(throttledRevision);
  const findings = useMemo(() => {
    const log = store.hot.get(view.key);
    if (!log || loading) return [];
    if (log.analysis && !decoder) return log.analysis.findings;
    void settledRevision;
    return analyzeLog(log, {
      conn: view.conn,
      startedAt,
      ...(decoder ? { decoder } : {}),
      ...(live ? { now: Math.max(clock - startedAt, view.lastT) } : {}),
      recordingEnded: view.readOnly,
    }).findings;
    // view.lastT is deliberately left out: while live the clock drives re-analysis.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, view.key, view.conn, view.readOnly, live, loading, clock, startedAt, settledRevision, decoder]);
  if (findings.length === 0) return null;
  const worst = ORDER.find((severity) => findings.some((f) => f.severity === severity)) ?? 'info';
  const count = findings.filter((f) => f.severity === worst).length;
  const text = `${count} ${worst}${count === 1 ? '' : 's'}${findings.length > count ? ` (+${findings.length - count} more)` : ''}`;
  return (
    <span
      className={`findings-badge severity-${worst}`}
      data-testid="findings-badge"
      data-severity={worst}
      title={`Findings: ${text}`}
    >
      {ICON[worst]} {count}
      <span className="visually-hidden"> {text}</span>
    </span>
  );
}
