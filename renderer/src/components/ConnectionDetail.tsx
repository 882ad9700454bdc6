import { formatSize } from '../format/bytes.js';
import { describeClose, stateBadge } from '../ui/describe.js';
import type { ConnectionView } from '../store/connection-view.js';
import { useInspector, useInspectorStore } from '../ui/store-context.js';
import { Composer } from './Composer.js';
import { DetailPane } from './DetailPane.js';
import { FaultMenu } from './faults/FaultMenu.js';
import { FindingsPanel } from './FindingsPanel.js';
import { FramesTable } from './FramesTable.js';
import { HandshakePanel } from './HandshakePanel.js';
import { ReconnectStatus } from './ReconnectStatus.js';
import { ReplayPanel } from './replay/ReplayPanel.js';
import { TrafficToolbar } from './TrafficToolbar.js';
import { TimelinePanel } from './timeline/TimelinePanel.js';
import { VisibleText, visibleTitle } from './text/VisibleText.js';

function ConnectionHeader({ view }: { view: ConnectionView }) {
  const close = describeClose(view);
  const loading = useInspector((s) => s.sources[view.source]?.loading === true);
  const badge = stateBadge(view, loading);
  return (
    <header className="connection-header" data-testid="connection-header">
      <span className={`state-badge ${badge.className}`} data-testid="header-state" title={badge.title}>
        {badge.label}
      </span>
      <h1 className="connection-title" title={visibleTitle(view.url)}>
        <VisibleText text={view.url} />
      </h1>
      <span className="header-facts">
        {view.status !== undefined && (
          <span>
            HTTP/{view.httpVersion} {view.status}
          </span>
        )}
        {view.attempt !== undefined && (
          <span>
            reconnect #{view.attempt}
            {view.reconnectOf ? ` after ${view.reconnectOf}` : ''}
          </span>
        )}
        {view.mode === 'proxy' && <span>proxied{view.peer ? ` for ${view.peer}` : ''}</span>}
        {view.protocol && <span>protocol {view.protocol}</span>}
        <span>
          ↑ {view.frames.c2s} frames · ↓ {view.frames.s2c} frames
        </span>
      </span>
      {close && (
        <span className="header-close" data-testid="close-summary">
          <VisibleText text={close} />
        </span>
      )}
      <ReconnectStatus view={view} />
      <FaultMenu key={view.key} view={view} />
      {view.error && view.state !== 'failed' && (
        <span className="header-alert" data-testid="connection-error">
          Error: <VisibleText text={view.error} />
        </span>
      )}
      {view.dropped.frames > 0 && (
        <span className="header-alert" data-testid="dropped">
          ⚠ {view.dropped.memory ? 'Memory budget reached: not kept' : 'Recording fell behind and dropped'}{' '}
          {view.dropped.frames} frames ({formatSize(view.dropped.bytes)}); the table is incomplete.
        </span>
      )}
    </header>
  );
}

/** Only the inspector's own client connections can be driven; proxied and recorded ones are observed. */
const canCompose = (view: ConnectionView): boolean =>
  !view.readOnly && view.mode === 'client' && view.state !== 'closed' && view.state !== 'failed';

export function ConnectionDetail({ view }: { view: ConnectionView }) {
  const store = useInspectorStore();
  const panel = useInspector((s) => s.panel);
  const setPanel = useInspector((s) => s.setPanel);
  // Subscribing to the revision keeps `log` fresh when the connection's first records arrive.
  useInspector((s) => s.revisions[view.key]);
  const log = store.hot.get(view.key);

  return (
    <section className="connection-detail" aria-label="Connection">
      <ConnectionHeader view={view} />
      <ReplayPanel key={view.key} view={view} log={log} />
      <div className="tabs" role="tablist" aria-label="Connection views">
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'traffic'}
          data-testid="tab-traffic"
          onClick={() => setPanel('traffic')}
        >
          Traffic
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'handshake'}
          data-testid="tab-handshake"
          onClick={() => setPanel('handshake')}
        >
          Handshake
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'findings'}
          data-testid="tab-findings"
          onClick={() => setPanel('findings')}
        >
          Findings
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={panel === 'timeline'}
          data-testid="tab-timeline"
          onClick={() => setPanel('timeline')}
        >
          Timeline
        </button>
        {panel === 'traffic' && <TrafficToolbar />}
      </div>
      {panel === 'traffic' ? (
        <div className="traffic">
          <FramesTable view={view} log={log} />
          <DetailPane log={log} view={view} />
        </div>
      ) : panel === 'handshake' ? (
        <HandshakePanel view={view} log={log} />
      ) : panel === 'timeline' ? (
        <TimelinePanel key={view.key} view={view} />
      ) : (
        <FindingsPanel view={view} log={log} />
      )}
      {canCompose(view) && <Composer key={view.key} view={view} />}
    </section>
  );
}
