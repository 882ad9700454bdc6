import type { EvidenceRef, Finding } from '../../../shared/model/finding.js';
import type { TlsSummary } from '../../../shared/model/handshake.js';
import { describeTls, tlsHeadline } from '../../../shared/model/tls-text.js';
import { closeCodeMeaning } from '../format/protocol-names.js';
import { formatClock, formatDuration } from '../format/time.js';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnectionLog } from '../store/hot-log.js';
import { useInspector } from '../ui/store-context.js';
import { useConnectionAnalysis } from '../ui/use-analysis.js';
import { VisibleText } from './text/VisibleText.js';

const tlsFacts = (tls: TlsSummary | undefined): [string, string][] =>
  tls ? [['TLS', tlsHeadline(describeTls(tls))]] : [];

function EvidenceLink({ evidence, log }: { evidence: EvidenceRef; log: ConnectionLog }) {
  const selectRow = useInspector((s) => s.selectRow);
  const setPanel = useInspector((s) => s.setPanel);
  const setViewMode = useInspector((s) => s.setViewMode);
  const setShowControl = useInspector((s) => s.setShowControl);
  const label =
    evidence.kind === 'frame'
      ? `frame ${evidence.ref}`
      : evidence.kind === 'handshake'
        ? 'handshake'
        : `record ${evidence.ref}`;
  const show = () => {
    if (evidence.kind === 'handshake') return setPanel('handshake');
    const index = evidence.kind === 'frame' ? log.frameIndex(evidence.ref) : evidence.ref;
    const target = index === undefined ? undefined : log.at(index);
    if (index === undefined || (target?.type !== 'frame' && target?.type !== 'message'))
      return setPanel('traffic');
    if (target.type === 'frame') {
      setViewMode('frames');
      setShowControl(true);
    }
    setPanel('traffic');
    selectRow(index);
  };
  return (
    <button type="button" className="evidence" onClick={show} title={evidence.note}>
      {label}
      {evidence.note ? `: ${evidence.note}` : ''}
    </button>
  );
}

function FindingItem({ finding, log }: { finding: Finding; log: ConnectionLog }) {
  return (
    <li className={`finding severity-${finding.severity}`} data-testid="finding">
      <div className="finding-head">
        <span className="severity">{finding.severity}</span>
        <span className="finding-title">
          <VisibleText text={finding.title} />
        </span>
        <code className="finding-id">{finding.id}</code>
      </div>
      <p>
        <VisibleText text={finding.detail} />
      </p>
      <p className="finding-fix">
        <b>Fix:</b> {finding.fix}
      </p>
      {finding.evidence.length > 0 && (
        <p className="finding-evidence">
          Evidence:{' '}
          {finding.evidence.map((evidence, i) => (
            <EvidenceLink key={i} evidence={evidence} log={log} />
          ))}
        </p>
      )}
    </li>
  );
}

export function FindingsPanel({ view, log }: { view: ConnectionView; log: ConnectionLog | undefined }) {
  const { summary, findings, pending, imported } = useConnectionAnalysis(view, log);
  const closeUnknown = imported?.unknown.includes('close') === true;
  const framesUnknown = imported?.unknown.includes('frames') === true;
  if (!log) return <p className="pane-empty">Nothing recorded yet.</p>;
  if (pending)
    return (
      <p className="pane-empty" data-testid="findings-pending">
        The session file is still opening: the connection is analysed once all of it is read.
      </p>
    );
  const facts: [string, string][] = summary
    ? [
        ...(summary.cutAt !== undefined
          ? [
              [
                'Recording',
                `cut after ${formatClock(summary.cutAt)}: no end record, what followed is unknown`,
              ] as [string, string],
            ]
          : []),
        ['Closed by', closeUnknown ? 'unknown (not in the HAR)' : summary.closeInitiator],
        ['How', closeUnknown ? 'unknown (not in the HAR)' : summary.closeKind],
        [
          'Close frame',
          closeUnknown
            ? 'unknown (not in the HAR)'
            : summary.closeCode === null
              ? 'none'
              : `${summary.closeCode} ${closeCodeMeaning(summary.closeCode)}${summary.closeReason ? ` “${summary.closeReason}”` : ''}`,
        ],
        ['Browser would report', summary.browserCloseCode == null ? '—' : String(summary.browserCloseCode)],
        [
          'Closing handshake',
          closeUnknown
            ? 'unknown (not in the HAR)'
            : summary.closingHandshakeComplete
              ? 'complete'
              : 'incomplete',
        ],
        [
          'Longest silence',
          framesUnknown ? 'unknown (no frames in the HAR)' : formatDuration(summary.maxSilenceMs),
        ],
        [
          'Bytes ↑ / ↓',
          framesUnknown
            ? 'unknown (the HAR holds messages, not frames)'
            : `${summary.bytesOut} / ${summary.bytesIn}`,
        ],
        ...tlsFacts(summary.tls),
      ]
    : [];
  return (
    <div className="findings" data-testid="findings-panel">
      {imported && (
        <p className="imported-notice" role="note" data-testid="imported-notice">
          {imported.notice}
        </p>
      )}
      <section aria-label="Summary">
        <h3>Summary</h3>
        <dl className="fields">
          {facts.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section aria-label="Findings">
        <h3>{findings.length === 0 ? 'No findings' : `Findings (${findings.length})`}</h3>
        {findings.length === 0 ? (
          <p className="pane-empty">Nothing suspicious found in this connection so far.</p>
        ) : (
          <ul className="finding-list">
            {findings.map((finding, i) => (
              <FindingItem key={`${finding.id}-${i}`} finding={finding} log={log} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
