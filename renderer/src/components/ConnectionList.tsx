import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnKey } from '../store/keys.js';
import type { SourceInfo } from '../store/slices/data-slice.js';
import { describeClose } from '../ui/describe.js';
import { formatDuration } from '../format/time.js';
import { useNow } from '../ui/use-now.js';
import { useInspector } from '../ui/store-context.js';

/** Memoised: a flush replaces only the views of connections that changed, so the others skip rendering. */
const ConnectionItem = memo(function ConnectionItem({
  view,
  selected,
  onSelect,
}: {
  view: ConnectionView;
  selected: boolean;
  onSelect: (key: ConnKey) => void;
}) {
  const live = !view.readOnly && view.endT === undefined;
  const now = useNow(live);
  const startedAt = useInspector((s) => s.sources[view.source]?.startedAt ?? 0);
  // An open connection's duration keeps growing while nothing is recorded, so it is measured against the clock.
  const duration = live
    ? Math.max(view.lastT - view.startT, now - startedAt - view.startT)
    : (view.endT ?? view.lastT) - view.startT;
  const close = describeClose(view);
  return (
    <>
      <button
        type="button"
        className={`connection-item${selected ? ' selected' : ''}`}
        aria-pressed={selected}
        data-testid="connection-item"
        data-state={view.state}
        onClick={() => onSelect(view.key)}
      >
        <span className="connection-line">
          <span className={`state-badge state-${view.state}`} data-testid="connection-state">
            {view.state}
          </span>
          <span className="connection-url" title={view.url}>
            {view.url || view.conn}
          </span>
        </span>
        <span className="connection-line meta">
          {view.attempt !== undefined && <span className="tag">reconnect #{view.attempt}</span>}
          {view.mode === 'proxy' && (
            <span className="tag" title={view.peer ? `client ${view.peer}` : undefined}>
              proxied
            </span>
          )}
          {view.status !== undefined && <span data-testid="connection-status">HTTP {view.status}</span>}
          <span>{formatDuration(Math.max(0, duration))}</span>
          <span title="frames client→server / server→client">
            ↑{view.frames.c2s} ↓{view.frames.s2c}
          </span>
          {view.violations > 0 && <span className="violation-count">⚠ {view.violations}</span>}
        </span>
        {close && (
          <span className="connection-line close-summary" data-testid="connection-close">
            {close}
          </span>
        )}
      </button>
    </>
  );
});

type Entry = { kind: 'source'; source: SourceInfo } | { kind: 'connection'; key: ConnKey };

/** Source headings and connections (newest first) as one flat list, so it can be virtualized. */
function flatten(sources: SourceInfo[], order: readonly ConnKey[]): Entry[] {
  const entries: Entry[] = [];
  for (const source of sources) {
    const keys = order.filter((key) => key.startsWith(`${source.id}/`));
    if (!source.readOnly && keys.length === 0) continue;
    entries.push({ kind: 'source', source });
    for (let i = keys.length - 1; i >= 0; i--) entries.push({ kind: 'connection', key: keys[i]! });
  }
  return entries;
}

/** Virtualized: a reconnect storm or a long proxy session can add thousands of connections. */
export function ConnectionList() {
  const sources = useInspector(useShallow((s) => Object.values(s.sources)));
  const order = useInspector((s) => s.connectionOrder);
  const connections = useInspector((s) => s.connections);
  const selected = useInspector((s) => s.selected);
  const select = useInspector((s) => s.select);
  const entries = useMemo(() => flatten(sources, order), [sources, order]);
  const scrollRef = useRef<HTMLElement>(null);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => (entries[index]?.kind === 'source' ? 30 : 66),
    getItemKey: (index) => {
      const entry = entries[index];
      return entry?.kind === 'source' ? `source:${entry.source.id}` : (entry?.key ?? index);
    },
    overscan: 8,
  });

  return (
    <nav className="connection-list" aria-label="Connections" ref={scrollRef}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const entry = entries[item.index];
          if (!entry) return null;
          const view = entry.kind === 'connection' ? connections[entry.key] : undefined;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="connection-entry"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {entry.kind === 'source' ? (
                <h2 className="source-title">
                  {entry.source.label}
                  {entry.source.readOnly && <span className="read-only">read-only</span>}
                </h2>
              ) : view ? (
                <ConnectionItem view={view} selected={entry.key === selected} onSelect={select} />
              ) : null}
            </div>
          );
        })}
      </div>
    </nav>
  );
}
