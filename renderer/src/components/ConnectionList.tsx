import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnKey } from '../store/keys.js';
import { describeClose } from '../ui/describe.js';
import { formatDuration } from '../format/time.js';
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
  const duration = (view.endT ?? view.lastT) - view.startT;
  const close = describeClose(view);
  return (
    <li>
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
    </li>
  );
});

export function ConnectionList() {
  const sources = useInspector(useShallow((s) => Object.values(s.sources)));
  const order = useInspector((s) => s.connectionOrder);
  const connections = useInspector((s) => s.connections);
  const selected = useInspector((s) => s.selected);
  const select = useInspector((s) => s.select);

  return (
    <nav className="connection-list" aria-label="Connections">
      {sources.map((source) => {
        const keys = order.filter((key) => key.startsWith(`${source.id}/`));
        if (source.readOnly === false && keys.length === 0) return null;
        return (
          <section key={source.id} className="source-group">
            <h2 className="source-title">
              {source.label}
              {source.readOnly && <span className="read-only">read-only</span>}
            </h2>
            <ul>
              {[...keys].reverse().map((key) => {
                const view = connections[key];
                return view ? (
                  <ConnectionItem key={key} view={view} selected={key === selected} onSelect={select} />
                ) : null;
              })}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
