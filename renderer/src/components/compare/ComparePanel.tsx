import { useShallow } from 'zustand/react/shallow';
import type { ConnectionView } from '../../store/connection-view.js';
import { useInspector, useInspectorStore } from '../../ui/store-context.js';
import { clientHandshake, requestLine, statusLine } from './client-handshake.js';
import { HeaderDiffTable } from './HeaderDiffTable.js';
import { visibleTitle } from '../text/VisibleText.js';

const nameOf = (view: ConnectionView): string =>
  `${view.conn}${view.status === undefined ? '' : ` · HTTP ${view.status}`}`;

function LineRow({ label, left, right }: { label: string; left?: string; right?: string }) {
  const same = left === right;
  return (
    <tr
      className={`diff-row ${same ? 'diff-same' : 'diff-changed'}`}
      data-testid="line-diff"
      data-change={same ? 'same' : 'changed'}
    >
      <td className="diff-marker">
        {same ? '=' : '≠'} <span className="diff-word">{same ? 'same' : 'changed'}</span>
      </td>
      <th scope="row">{label}</th>
      <td>{left ?? '—'}</td>
      <td>{right ?? '—'}</td>
    </tr>
  );
}

/** Everything the server got and answered, side by side for two connections (e.g. a working and a failing one). */
function HandshakeComparison({ left, right }: { left: ConnectionView; right: ConnectionView }) {
  const store = useInspectorStore();
  // Re-render when either log grows (a response may arrive later).
  useInspector((s) => `${s.revisions[left.key] ?? 0}/${s.revisions[right.key] ?? 0}`);
  const a = clientHandshake(store.hot.get(left.key));
  const b = clientHandshake(store.hot.get(right.key));
  const leftLabel = nameOf(left);
  const rightLabel = nameOf(right);
  return (
    <div data-testid="compare-result">
      <table className="headers compare-lines header-diff-table" aria-label="Start lines compared">
        <thead>
          <tr>
            <th scope="col" className="diff-marker-col">
              <span className="visually-hidden">Change</span>
            </th>
            <th scope="col">Line</th>
            <th scope="col">{leftLabel}</th>
            <th scope="col">{rightLabel}</th>
          </tr>
        </thead>
        <tbody>
          <LineRow label="Request line" left={requestLine(a.request)} right={requestLine(b.request)} />
          <LineRow label="Status line" left={statusLine(a.response)} right={statusLine(b.response)} />
          <LineRow
            label="HTTP version"
            left={
              a.response
                ? `request ${a.request?.head.httpVersion ?? '—'}, response ${a.response.head.httpVersion}`
                : a.request?.head.httpVersion
            }
            right={
              b.response
                ? `request ${b.request?.head.httpVersion ?? '—'}, response ${b.response.head.httpVersion}`
                : b.request?.head.httpVersion
            }
          />
        </tbody>
      </table>
      <div className="handshake-columns">
        <section
          aria-label="Request headers compared"
          className="handshake-half"
          data-testid="compare-request"
        >
          <h3>Request headers</h3>
          <HeaderDiffTable
            before={a.request?.head.headers ?? []}
            after={b.request?.head.headers ?? []}
            beforeLabel={leftLabel}
            afterLabel={rightLabel}
            label="Request header differences"
          />
        </section>
        <section
          aria-label="Response headers compared"
          className="handshake-half"
          data-testid="compare-response"
        >
          <h3>Response headers</h3>
          <HeaderDiffTable
            before={a.response?.head.headers ?? []}
            after={b.response?.head.headers ?? []}
            beforeLabel={leftLabel}
            afterLabel={rightLabel}
            label="Response header differences"
          />
        </section>
      </div>
    </div>
  );
}

/** "Compare with…": pick any other connection; Alt+click in the connection list picks one too. */
export function ComparePanel({ view }: { view: ConnectionView }) {
  const compareWith = useInspector((s) => s.compareWith);
  const setCompareWith = useInspector((s) => s.setCompareWith);
  const others = useInspector(
    useShallow((s) =>
      s.connectionOrder.filter((key) => key !== view.key && s.connections[key]?.requestIndex !== undefined),
    ),
  );
  const connections = useInspector((s) => s.connections);
  const other = compareWith && compareWith !== view.key ? connections[compareWith] : undefined;
  return (
    <section className="compare" aria-label="Compare handshakes" data-testid="compare-panel">
      <div className="compare-picker">
        <h3>Compare with…</h3>
        <select
          aria-label="Connection to compare with"
          data-testid="compare-select"
          value={other ? other.key : ''}
          onChange={(e) => setCompareWith(e.target.value || null)}
        >
          <option value="">(pick a connection)</option>
          {[...others].reverse().map((key) => {
            const candidate = connections[key];
            return candidate ? (
              <option key={key} value={key}>
                {nameOf(candidate)} · {visibleTitle(candidate.url)}
              </option>
            ) : null;
          })}
        </select>
        {other && (
          <button type="button" onClick={() => setCompareWith(null)}>
            Stop comparing
          </button>
        )}
        <span className="pane-empty">Tip: Alt+click a connection in the list to compare with it.</span>
      </div>
      {other && <HandshakeComparison left={view} right={other} />}
    </section>
  );
}
