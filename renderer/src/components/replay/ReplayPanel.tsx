import { useMemo, useState } from 'react';
import type { ReplayResult } from '../../../../shared/api/contract.js';
import {
  compareReplay,
  planReplay,
  type ComparedMessage,
  type ReplayComparison,
} from '../../../../shared/analysis/replay.js';
import type { CaptureEvent, MessageEvent } from '../../../../shared/model/events.js';
import { connKey, LIVE_SOURCE } from '../../store/keys.js';
import type { ConnectionLog } from '../../store/hot-log.js';
import type { ConnectionView } from '../../store/connection-view.js';
import { useInspector, useInspectorStore } from '../../ui/store-context.js';
import { parseReplaySpeed, previewOf } from '../../ui/replay-form.js';
import './replay.css';

const eventsOf = (log: ConnectionLog | undefined): CaptureEvent[] =>
  log ? Array.from(log.events.range()) : [];

function ComparisonTable({
  title,
  rows,
  testId,
}: {
  title: string;
  rows: ComparedMessage[];
  testId: string;
}) {
  return (
    <table className="replay-table" data-testid={testId}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>#</th>
          <th>original</th>
          <th>replay</th>
          <th>Δ</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.index} className={row.same ? '' : 'differs'} data-testid={`${testId}-row`}>
            <td>
              {row.index}
              {row.same ? '' : ' ≠'}
            </td>
            <td>{row.original ? `${Math.round(row.original.offsetMs)} ms  ${row.original.preview}` : '—'}</td>
            <td>{row.replay ? `${Math.round(row.replay.offsetMs)} ms  ${row.replay.preview}` : '—'}</td>
            <td>
              {row.original && row.replay
                ? `${Math.round(row.replay.offsetMs - row.original.offsetMs)} ms`
                : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Comparison({ comparison }: { comparison: ReplayComparison }) {
  const { timing } = comparison;
  return (
    <div className="replay-comparison" data-testid="replay-comparison">
      <ComparisonTable title="Client messages (sent)" rows={comparison.client} testId="replay-client" />
      <ComparisonTable
        title={`Server messages (${comparison.serverDifferences} differ)`}
        rows={comparison.server}
        testId="replay-server"
      />
      <p data-testid="replay-summary">
        Ended: original {comparison.originalEnd}; replay {comparison.replayEnd}. Timing error: max{' '}
        {timing.maxErrorMs.toFixed(2)} ms, mean {timing.meanErrorMs.toFixed(2)} ms over {timing.messages}{' '}
        messages.
      </p>
    </div>
  );
}

/**
 * "Replay connection…": sends the connection's client messages (all, or the ones ticked) again on a new live
 * connection with their original spacing and headers, then shows the original and the replay side by side.
 */
export function ReplayPanel({ view, log }: { view: ConnectionView; log: ConnectionLog | undefined }) {
  const store = useInspectorStore();
  const replay = useInspector((s) => s.replay);
  const select = useInspector((s) => s.select);
  const revision = useInspector((s) => s.revisions[view.key]);
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState(view.url);
  const [speedText, setSpeedText] = useState('1');
  const [unticked, setUnticked] = useState<ReadonlySet<number>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [done, setDone] = useState<{ result: ReplayResult; messageIds?: number[] } | null>(null);
  const replayKey = done ? connKey(LIVE_SOURCE, done.result.conn) : undefined;
  const replayRevision = useInspector((s) => (replayKey ? s.revisions[replayKey] : undefined));

  // Records are rebuilt from the columnar log on demand: only read them while the panel is open.
  const clientMessages = useMemo(() => {
    void revision;
    return open
      ? eventsOf(log).filter((e): e is MessageEvent => e.type === 'message' && e.message.dir === 'c2s')
      : [];
  }, [open, log, revision]);
  const comparison = useMemo(() => {
    if (!done || !replayKey) return undefined;
    void replayRevision;
    return compareReplay(
      { events: eventsOf(log), conn: view.conn, ...(done.messageIds ? { messageIds: done.messageIds } : {}) },
      { events: eventsOf(store.hot.get(replayKey)), conn: done.result.conn },
      done.result.sends,
    );
  }, [done, replayKey, replayRevision, log, store, view.conn]);

  if (view.messages.c2s === 0) return null;

  const start = async (selectedOnly: boolean): Promise<void> => {
    const speed = parseReplaySpeed(speedText);
    if ('error' in speed) return setProblem(speed.error);
    if (!/^wss?:\/\//i.test(url.trim())) return setProblem('The URL must start with ws:// or wss://');
    const messageIds = selectedOnly
      ? clientMessages.map((e) => e.message.id).filter((id) => !unticked.has(id))
      : undefined;
    if (messageIds?.length === 0) return setProblem('Tick at least one message to replay.');
    const planned = planReplay(eventsOf(log), view.conn, messageIds ? { messageIds } : {});
    if (!planned.ok) return setProblem(planned.error);
    setProblem(null);
    setDone(null);
    setRunning(true);
    const result = await replay({ ...planned.plan, url: url.trim(), speed: speed.speed });
    setRunning(false);
    if (result) setDone({ result, ...(messageIds ? { messageIds } : {}) });
  };

  return (
    <div className="replay-panel">
      <button type="button" data-testid="replay-open" aria-expanded={open} onClick={() => setOpen(!open)}>
        Replay connection…
      </button>
      {open && (
        <form
          className="replay-form"
          aria-label="Replay connection"
          onSubmit={(e) => {
            e.preventDefault();
            void start(false);
          }}
        >
          <div className="replay-row">
            <label>
              URL
              <input
                data-testid="replay-url"
                className="replay-url"
                value={url}
                onChange={(e) => setUrl(e.target.value)}
              />
            </label>
            <label>
              Speed <span className="hint">× original, or max</span>
              <input
                data-testid="replay-speed"
                className="replay-speed"
                value={speedText}
                onChange={(e) => setSpeedText(e.target.value)}
              />
            </label>
          </div>
          <ul className="replay-messages" aria-label="Client messages">
            {clientMessages.map((e) => (
              <li key={e.message.id}>
                <label>
                  <input
                    type="checkbox"
                    data-testid="replay-message"
                    checked={!unticked.has(e.message.id)}
                    onChange={(event) => {
                      const next = new Set(unticked);
                      if (event.target.checked) next.delete(e.message.id);
                      else next.add(e.message.id);
                      setUnticked(next);
                    }}
                  />
                  <code>{previewOf(e)}</code>
                </label>
              </li>
            ))}
          </ul>
          <div className="replay-row">
            <button type="submit" data-testid="replay-all" disabled={running}>
              Replay connection
            </button>
            <button
              type="button"
              data-testid="replay-selected"
              disabled={running}
              onClick={() => void start(true)}
            >
              Replay selected messages
            </button>
            {running && <span data-testid="replay-running">Replaying…</span>}
            {done && (
              <button type="button" data-testid="replay-show" onClick={() => replayKey && select(replayKey)}>
                Show the replay ({done.result.conn})
              </button>
            )}
          </div>
          {problem && (
            <p className="form-problem" role="alert">
              {problem}
            </p>
          )}
          {comparison && <Comparison comparison={comparison} />}
        </form>
      )}
    </div>
  );
}
