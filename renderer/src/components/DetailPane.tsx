import type { FrameRecord, MessageRecord } from '../../../shared/model/frame.js';
import { closeCodeMeaning, opcodeName, violationTitle } from '../format/protocol-names.js';
import type { ConnectionLog } from '../store/hot-log.js';
import { compressionSummary, deflateParameters, negotiatedDeflate } from '../ui/deflate-info.js';
import { describeViolation } from '../ui/describe.js';
import { useInspector } from '../ui/store-context.js';
import { RecordPayload } from './payload/RecordPayload.js';
import { JsonTree } from './json-tree/JsonTree.js';
import { describeChoice } from './filters/RowFilterBar.js';
import { decodedMessage, decoderChoiceOf } from '../store/decoder-choice.js';
import type { ConnectionView } from '../store/connection-view.js';
import { PROTOCOL_NAMES } from '../../../shared/decoders/types.js';
import { VisibleText } from './text/VisibleText.js';

const yesNo = (b: boolean): string => (b ? '1' : '0');

export const DETAIL_PANE_ID = 'detail-pane';

function DeflateInfo({ message, log }: { message: MessageRecord; log: ConnectionLog }) {
  if (!message.compressed) return null;
  const extension = negotiatedDeflate(log);
  return (
    <section className="deflate-info" aria-label="Compression" data-testid="deflate-info">
      <h3>permessage-deflate</h3>
      <p>{compressionSummary(message)}</p>
      {extension ? (
        <ul>
          {deflateParameters(extension).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : (
        <p>Negotiated parameters unknown (no open record).</p>
      )}
    </section>
  );
}

function Fields({ rows }: { rows: [string, string][] }) {
  return (
    <dl className="fields">
      {rows.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>
            <VisibleText text={value} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Violations({ log, seqs }: { log: ConnectionLog; seqs: number[] }) {
  const records = seqs.flatMap((seq) =>
    (log.violationsByFrame.get(seq) ?? [])
      .map((index) => log.at(index))
      .filter((e) => e?.type === 'violation'),
  );
  const codes = seqs.flatMap((seq) => log.frame(seq)?.frame.violations ?? []);
  if (records.length === 0 && codes.length === 0) return null;
  return (
    <section className="violations" aria-label="Violations">
      <h3>Protocol violations</h3>
      <ul>
        {records.length > 0
          ? records.map((event, i) => (
              <li key={i}>{event.type === 'violation' ? describeViolation(event.violation) : ''}</li>
            ))
          : codes.map((code) => (
              <li key={code}>
                {violationTitle(code)} ({code})
              </li>
            ))}
      </ul>
    </section>
  );
}

function FrameDetail({ frame, log }: { frame: FrameRecord; log: ConnectionLog }) {
  const fields: [string, string][] = [
    ['Frame', `#${frame.seq} ${frame.dir === 'c2s' ? '↑ client → server' : '↓ server → client'}`],
    ['Opcode', `${frame.opcode} (${opcodeName(frame.opcode)})`],
    ['FIN RSV1 RSV2 RSV3', [frame.fin, frame.rsv1, frame.rsv2, frame.rsv3].map(yesNo).join(' ')],
    ['MASK', frame.masked ? `1, key ${frame.maskKey ?? '?'}` : '0'],
    ['Payload length', `${frame.payloadLength} B (${frame.lengthEncoding}-bit field)`],
    ['Header length', `${frame.headerLength} bytes`],
    ['Stream offset', String(frame.offset)],
  ];
  if (frame.messageId !== undefined) fields.push(['Message', `#${frame.messageId}`]);
  if (frame.opcode === 8) {
    const code = frame.close?.code;
    fields.push([
      'Close code',
      code === undefined ? 'none (empty body)' : `${code} ${closeCodeMeaning(code)}`,
    ]);
    if (frame.close?.reason) fields.push(['Close reason', frame.close.reason]);
  }
  return (
    <div className="detail-grid">
      <div className="detail-meta">
        <Fields rows={fields} />
        <Violations log={log} seqs={[frame.seq]} />
      </div>
      <RecordPayload
        base64={frame.data}
        isText={
          frame.opcode === 1 ||
          frame.opcode === 9 ||
          frame.opcode === 10 ||
          (frame.opcode === 0 && frame.messageId !== undefined)
        }
        truncated={frame.truncated}
        size={frame.payloadLength}
        payloadRef={frame.ref}
        owner={{ kind: 'frame', seq: frame.seq }}
      />
    </div>
  );
}

function DecodedSection({
  message,
  log,
  view,
}: {
  message: MessageRecord;
  log: ConnectionLog;
  view: ConnectionView;
}) {
  const override = useInspector((s) => s.decoderOverrides[view.key]);
  const choice = decoderChoiceOf(log, view, override);
  const decoded = decodedMessage(log, message, choice);
  if (!decoded) return null;
  const rows: [string, string][] = [['Kind', decoded.kind]];
  if (decoded.reason) rows.push(['Why', decoded.reason]);
  if (decoded.event !== undefined) rows.push(['Event', decoded.event]);
  if (decoded.topic !== undefined) rows.push(['Topic', decoded.topic]);
  if (decoded.id !== undefined) rows.push(['Id', decoded.id]);
  for (const link of decoded.links ?? [])
    rows.push([
      link.role === 'ping' || link.role === 'pong' ? 'Heartbeat' : 'Pairs',
      `${link.role}: ${link.label}`,
    ]);
  if (decoded.problem) rows.push(['Problem', decoded.problem.message]);
  return (
    <section className="decoded" aria-label="Decoded" data-testid="decoded-section">
      <h3>{PROTOCOL_NAMES[decoded.protocol]}</h3>
      <p className="decoder-basis" data-testid="decoded-basis">
        Decoder: {describeChoice(choice)}. Change it in the bar above the table.
      </p>
      <Fields rows={rows} />
      {decoded.kind !== 'undecodable' && <JsonTree value={decoded.fields} />}
    </section>
  );
}

function MessageDetail({
  message,
  log,
  view,
}: {
  message: MessageRecord;
  log: ConnectionLog;
  view: ConnectionView | undefined;
}) {
  const fields: [string, string][] = [
    ['Message', `#${message.id} ${message.dir === 'c2s' ? '↑ client → server' : '↓ server → client'}`],
    ['Type', `${message.opcode} (${opcodeName(message.opcode)})`],
    ['Size', `${message.size} B decoded, ${message.wireSize} B payload on the wire`],
    ['Compressed', message.compressed ? 'yes (permessage-deflate)' : 'no'],
  ];
  if (message.opcode === 1) fields.push(['UTF-8', message.utf8Valid === false ? 'INVALID' : 'valid']);
  return (
    <div className="detail-grid">
      <div className="detail-meta">
        {view && <DecodedSection message={message} log={log} view={view} />}
        <Fields rows={fields} />
        <section aria-label="Frames of this message" className="message-frames">
          <h3>Made of {message.frames.length === 1 ? '1 frame' : `${message.frames.length} frames`}</h3>
          <table>
            <thead>
              <tr>
                <th>#</th>
                <th>Opcode</th>
                <th>FIN</th>
                <th>RSV1</th>
                <th>Payload</th>
              </tr>
            </thead>
            <tbody>
              {message.frames.map((seq) => {
                const frame = log.frame(seq)?.frame;
                return (
                  <tr key={seq}>
                    <td>{seq}</td>
                    <td>{frame ? opcodeName(frame.opcode) : '?'}</td>
                    <td>{frame ? yesNo(frame.fin) : '?'}</td>
                    <td>{frame ? yesNo(frame.rsv1) : '?'}</td>
                    <td>{frame ? `${frame.payloadLength} B` : '?'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        <DeflateInfo message={message} log={log} />
        <Violations log={log} seqs={message.frames} />
      </div>
      <RecordPayload
        base64={message.data}
        isText={message.opcode === 1}
        truncated={message.truncated}
        size={message.size}
        payloadRef={message.ref}
        owner={{ kind: 'message', id: message.id }}
      />
    </div>
  );
}

export function DetailPane({ log, view }: { log: ConnectionLog | undefined; view?: ConnectionView }) {
  const selectedRow = useInspector((s) => s.selectedRow);
  const event = log && selectedRow !== null ? log.at(selectedRow) : undefined;
  return (
    <aside
      className="detail-pane"
      aria-label="Details"
      data-testid="detail-pane"
      id={DETAIL_PANE_ID}
      tabIndex={-1}
    >
      {!log || !event ? (
        <p className="pane-empty">Select a row to see its header fields and payload.</p>
      ) : event.type === 'frame' ? (
        <FrameDetail key={selectedRow} frame={event.frame} log={log} />
      ) : event.type === 'message' ? (
        <MessageDetail key={selectedRow} message={event.message} log={log} view={view} />
      ) : null}
    </aside>
  );
}
