import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnKey } from '../store/keys.js';
import type { SourceInfo } from '../store/slices/data-slice.js';
import { describeClose, stateBadge } from '../ui/describe.js';
import { formatClock, formatDuration } from '../format/time.js';
import { useNow } from '../ui/use-now.js';
import { useInspector } from '../ui/store-context.js';
import type { ReconnectGroup } from '../ui/reconnect-groups.js';
import { groupReconnects } from '../ui/reconnect-groups.js';
import { connectionMatcher } from '../ui/connection-filter.js';
import { FindingsBadge } from './list/FindingsBadge.js';
import { ReconnectGroupHeader } from './list/ReconnectGroupHeader.js';
import { SessionSearch } from './search/SessionSearch.js';
import './list/list.css';
import { VisibleText, visibleTitle } from './text/VisibleText.js';

/** Memoised: a flush replaces only the views of connections that changed, so the others skip rendering. */
const ConnectionItem = memo(function ConnectionItem({
  view,
  selected,
  onSelect,
  onCompare,
}: {
  view: ConnectionView;
  selected: boolean;
  onSelect: (key: ConnKey) => void;
  /** Alt+click: compare the selected connection's handshake with this one. */
  onCompare: (key: ConnKey) => void;
}) {
  const live = !view.readOnly && view.endT === undefined;
  const now = useNow(live);
  const startedAt = useInspector((s) => s.sources[view.source]?.startedAt ?? 0);
  const loading = useInspector((s) => s.sources[view.source]?.loading === true);
  const badge = stateBadge(view, loading);
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
        title="Alt+click to compare the selected connection with this one"
        onClick={(event) => (event.altKey ? onCompare(view.key) : onSelect(view.key))}
      >
        <span className="connection-line">
          <span
            className={`state-badge ${badge.className}`}
            data-testid="connection-state"
            title={
              badge.label === 'cut'
                ? `Recording cut after ${formatClock(startedAt + view.lastT)}: no end record, state unknown`
                : badge.title
            }
          >
            {badge.label}
          </span>
          <span className="connection-url" title={visibleTitle(view.url)}>
            <VisibleText text={view.url || view.conn} />
          </span>
        </span>
        <span className="connection-line meta">
          {view.readOnly && (
            <span className="tag" data-testid="read-only-tag" title="Opened from a file: a recording">
              read-only
            </span>
          )}
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
          <FindingsBadge view={view} />
        </span>
        {close && (
          <span
            className="connection-line close-summary"
            data-testid="connection-close"
            title={visibleTitle(close)}
          >
            {/* One inline run: the line is a flex row, and markers must not split it into columns. */}
            <span>
              <VisibleText text={close} />
            </span>
          </span>
        )}
      </button>
    </>
  );
});

type Entry =
  | { kind: 'source'; source: SourceInfo }
  | { kind: 'group'; group: ReconnectGroup; collapsed: boolean }
  | { kind: 'connection'; key: ConnKey; nested: boolean; closed: boolean };

/**
 * Each entry's height in pixels, fixed by kind (a connection with a close summary has room for two lines of it), so
 * the list never measures its rows: measuring made every scroll of a 10,000-connection list re-lay out the rest.
 */
const HEIGHT = { source: 34, group: 48, connection: 86, open: 52 } as const;

const heightOf = (entry: Entry): number =>
  entry.kind === 'connection' ? (entry.closed ? HEIGHT.connection : HEIGHT.open) : HEIGHT[entry.kind];

/**
 * Source headings, reconnect groups and connections (newest first) as one flat list, so it can be virtualized.
 * Repeated connections to one endpoint share a collapsible group ordered by its newest attempt.
 */
function flatten(
  sources: SourceInfo[],
  order: readonly ConnKey[],
  connections: Readonly<Record<ConnKey, ConnectionView>>,
  collapsed: ReadonlySet<string>,
  filter: string,
): Entry[] {
  const entries: Entry[] = [];
  const matches = connectionMatcher(filter);
  const position = new Map<ConnKey, number>();
  order.forEach((key, i) => position.set(key, i));
  const bySource = new Map<string, ConnectionView[]>();
  for (const key of order) {
    const view = connections[key];
    if (!view || !matches(view)) continue;
    let views = bySource.get(view.source);
    if (!views) bySource.set(view.source, (views = []));
    views.push(view);
  }
  for (const source of sources) {
    const views = bySource.get(source.id) ?? [];
    if ((!source.readOnly || filter) && views.length === 0) continue;
    entries.push({ kind: 'source', source });
    const newest = (group: ReconnectGroup) => position.get(group.keys[group.keys.length - 1]!) ?? 0;
    const groups = groupReconnects(views).sort((a, b) => newest(b) - newest(a));
    for (const group of groups) {
      const nested = group.keys.length > 1;
      const isCollapsed = nested && collapsed.has(group.id);
      if (nested) entries.push({ kind: 'group', group, collapsed: isCollapsed });
      if (isCollapsed) continue;
      for (let i = group.keys.length - 1; i >= 0; i--) {
        const key = group.keys[i]!;
        const view = connections[key];
        entries.push({
          kind: 'connection',
          key,
          nested,
          closed: view !== undefined && describeClose(view) !== null,
        });
      }
    }
  }
  return entries;
}

/** Virtualized: a reconnect storm or a long proxy session can add thousands of connections. */
export function ConnectionList() {
  const [filter, setFilter] = useState('');
  const sources = useInspector(useShallow((s) => Object.values(s.sources)));
  const order = useInspector((s) => s.connectionOrder);
  const connections = useInspector((s) => s.connections);
  const selected = useInspector((s) => s.selected);
  const select = useInspector((s) => s.select);
  const setCompareWith = useInspector((s) => s.setCompareWith);
  const setPanel = useInspector((s) => s.setPanel);
  const compare = useCallback(
    (key: ConnKey) => {
      setCompareWith(key);
      setPanel('handshake');
    },
    [setCompareWith, setPanel],
  );
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const toggleGroup = useCallback(
    (id: string) =>
      setCollapsed((previous) => {
        const next = new Set(previous);
        if (!next.delete(id)) next.add(id);
        return next;
      }),
    [],
  );
  const entries = useMemo(
    () => flatten(sources, order, connections, collapsed, filter.trim()),
    [sources, order, connections, collapsed, filter],
  );
  const scrollRef = useRef<HTMLElement>(null);
  const shown = useMemo(() => entries.filter((entry) => entry.kind === 'connection').length, [entries]);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is used as documented
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (index) => {
      const entry = entries[index];
      return entry ? heightOf(entry) : HEIGHT.open;
    },
    getItemKey: (index) => {
      const entry = entries[index];
      if (entry?.kind === 'source') return `source:${entry.source.id}`;
      if (entry?.kind === 'group') return `group:${entry.group.id}`;
      return entry?.key ?? index;
    },
    overscan: 3,
  });

  // Scroll the selected connection into view when the selection changes (a new connection, "Show latest attempt",
  // a finding's link), not on every flush: the user's own scrolling wins between selections.
  const selectedIndex = entries.findIndex((entry) => entry.kind === 'connection' && entry.key === selected);
  const scrolledTo = useRef<ConnKey | null>(null);
  useEffect(() => {
    if (selected === scrolledTo.current || selectedIndex < 0) return;
    scrolledTo.current = selected;
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selected, selectedIndex, virtualizer]);

  const items = virtualizer.getVirtualItems();
  // Entries are keyed by slot, not by connection: a long scroll then updates the rendered entries in place instead of
  // unmounting them and mounting new ones, which made scrolling a 10,000-connection list drop frames. Slots are unique
  // within the contiguous rendered range as long as there are at least as many slots as rendered entries.
  const slots = Math.max(256, items.length);

  return (
    <section className="connection-pane" aria-label="Connection list">
      <SessionSearch />
      <div className="connection-filter">
        <input
          type="search"
          placeholder="Filter connections (URL, id, state)"
          aria-label="Filter connections"
          data-testid="connection-filter"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
        {filter.trim() && (
          <span className="connection-filter-count" data-testid="connection-filter-count">
            {shown} of {order.length}
          </span>
        )}
      </div>
      <nav className="connection-list" aria-label="Connections" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const entry = entries[item.index];
            if (!entry) return null;
            const view = entry.kind === 'connection' ? connections[entry.key] : undefined;
            return (
              <div
                key={item.index % slots}
                data-index={item.index}
                className={
                  entry.kind === 'connection' && entry.nested ? 'connection-entry nested' : 'connection-entry'
                }
                style={{ transform: `translateY(${item.start}px)`, height: item.size }}
              >
                {entry.kind === 'source' ? (
                  <h2 className="source-title">
                    {entry.source.label}
                    {entry.source.readOnly && <span className="read-only">read-only</span>}
                  </h2>
                ) : entry.kind === 'group' ? (
                  <ReconnectGroupHeader
                    group={entry.group}
                    collapsed={entry.collapsed}
                    onToggle={toggleGroup}
                  />
                ) : view ? (
                  <ConnectionItem
                    view={view}
                    selected={entry.key === selected}
                    onSelect={select}
                    onCompare={compare}
                  />
                ) : null}
              </div>
            );
          })}
        </div>
        {filter.trim() && shown === 0 && (
          <p className="pane-empty connection-filter-empty">No connection matches “{filter.trim()}”.</p>
        )}
      </nav>
    </section>
  );
}
