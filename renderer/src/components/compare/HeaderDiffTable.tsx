import { diffHeaders } from '../../../../shared/analysis/index.js';
import type { HeaderChange } from '../../../../shared/analysis/index.js';
import type { HttpHeader } from '../../../../shared/model/handshake.js';
import './compare.css';
import { VisibleText } from '../text/VisibleText.js';

/** A text marker beside the colour, so the change reads without colour too. */
const MARKER: Record<HeaderChange, string> = { added: '+', removed: '−', changed: '≠', same: '=' };
const WORD: Record<HeaderChange, string> = {
  added: 'added',
  removed: 'removed',
  changed: 'changed',
  same: 'same',
};

/**
 * Headers of two sides compared with shared/analysis diffHeaders: names case-insensitive, values exact, duplicates
 * joined in wire order. Used for the two legs of a proxied handshake and for any two connections.
 */
export function HeaderDiffTable({
  before,
  after,
  beforeLabel,
  afterLabel,
  label,
  onlyChanges = false,
}: {
  before: readonly HttpHeader[];
  after: readonly HttpHeader[];
  beforeLabel: string;
  afterLabel: string;
  label: string;
  onlyChanges?: boolean;
}) {
  const diff = diffHeaders(before, after);
  const entries = onlyChanges ? diff.entries.filter((e) => e.change !== 'same') : diff.entries;
  return (
    <div className="header-diff-block">
      <p className="diff-counts" data-testid="diff-counts">
        {diff.added} added · {diff.removed} removed · {diff.changed} changed
        {onlyChanges ? '' : ` · ${diff.entries.length - diff.added - diff.removed - diff.changed} same`}
      </p>
      {entries.length === 0 ? (
        <p className="pane-empty">No differences.</p>
      ) : (
        <table className="headers header-diff-table" aria-label={label}>
          <thead>
            <tr>
              <th scope="col" className="diff-marker-col">
                <span className="visually-hidden">Change</span>
              </th>
              <th scope="col">Header</th>
              <th scope="col">{beforeLabel}</th>
              <th scope="col">{afterLabel}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={`${e.change}:${e.name}`}
                className={`diff-row diff-${e.change}`}
                data-testid="diff-row"
                data-change={e.change}
              >
                <td className="diff-marker" title={WORD[e.change]}>
                  {MARKER[e.change]} <span className="diff-word">{WORD[e.change]}</span>
                </td>
                <th scope="row">
                  <VisibleText text={e.name} />
                  {e.hopByHop && (
                    <span
                      className="tag hop-by-hop"
                      title="Hop-by-hop header: proxies do not forward it unless configured to"
                    >
                      hop-by-hop
                    </span>
                  )}
                </th>
                <td className="diff-before">
                  {e.before === undefined ? '—' : <VisibleText text={e.before} />}
                </td>
                <td className="diff-after">{e.after === undefined ? '—' : <VisibleText text={e.after} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
