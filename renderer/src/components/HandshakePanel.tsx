import type { HttpRequestEvent, HttpResponseEvent, OpenEvent } from '../../../shared/model/events.js';
import type {
  AcceptCheck,
  HandshakeTiming,
  HttpHeader,
  TlsSummary,
} from '../../../shared/model/handshake.js';
import { describeTls } from '../../../shared/model/tls-text.js';
import { diffHeaders } from '../../../shared/analysis/index.js';
import { base64ToBytes, decodeUtf8 } from '../format/bytes.js';
import { clipForDisplay } from '../format/text.js';
import type { ConnectionView } from '../store/connection-view.js';
import type { ConnectionLog } from '../store/hot-log.js';
import { useInspector } from '../ui/store-context.js';
import { ComparePanel } from './compare/ComparePanel.js';
import { HeaderDiffTable } from './compare/HeaderDiffTable.js';
import { VisibleText } from './text/VisibleText.js';

const ACCEPT_TEXT: Record<AcceptCheck, string> = {
  ok: 'Sec-WebSocket-Accept matches the key ✓',
  mismatch: 'Sec-WebSocket-Accept does NOT match base64(SHA-1(key + GUID)) ✗',
  missing: 'Sec-WebSocket-Accept is missing ✗',
  'not-applicable': 'Sec-WebSocket-Accept not applicable (no 101)',
};

const PHASES: [keyof HandshakeTiming, string][] = [
  ['dnsMs', 'DNS lookup'],
  ['tcpConnectMs', 'TCP connected'],
  ['tlsMs', 'TLS done'],
  ['requestSentMs', 'Request sent'],
  ['firstByteMs', 'First response byte'],
  ['headersCompleteMs', 'Headers complete'],
];

function Headers({ headers, label }: { headers: HttpHeader[]; label: string }) {
  return (
    <table className="headers" aria-label={label}>
      <tbody>
        {headers.map((h, i) => (
          <tr key={i}>
            <th scope="row">
              <VisibleText text={h.name} />
            </th>
            <td>
              <VisibleText text={h.value} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Tls({ tls }: { tls: TlsSummary }) {
  const text = describeTls(tls);
  return (
    <section aria-label="TLS" className="tls-summary" data-testid="tls-summary">
      <h3>TLS</h3>
      <p>{text.negotiated}</p>
      {text.certificate && <p className="tls-certificate">Certificate: {text.certificate}</p>}
      <p className={tls.authorized ? 'accept-ok' : 'accept-mismatch'} data-testid="tls-trust">
        {text.trust}
      </p>
    </section>
  );
}

function Timing({ timing }: { timing: HandshakeTiming }) {
  const phases = PHASES.filter(([key]) => timing[key] !== undefined);
  if (phases.length === 0) return null;
  const total = Math.max(...phases.map(([key]) => timing[key] ?? 0), 0.001);
  return (
    <section aria-label="Timing">
      <h3>Timing (ms from the start of the attempt)</h3>
      <table className="timing">
        <tbody>
          {phases.map(([key, label]) => {
            const ms = timing[key] ?? 0;
            return (
              <tr key={key}>
                <th scope="row">{label}</th>
                <td className="timing-ms">{ms.toFixed(2)}</td>
                <td className="timing-bar-cell">
                  <progress
                    className="timing-bar"
                    max={total}
                    value={ms}
                    aria-label={`${label} at ${ms.toFixed(2)} ms`}
                  />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** What the proxy changed between the client's request and the one it sent upstream (shared/analysis). */
function ProxyHeaderDiff({ downstream, upstream }: { downstream: HttpHeader[]; upstream: HttpHeader[] }) {
  const diff = diffHeaders(downstream, upstream);
  const changes = diff.entries.filter((e) => e.change !== 'same');
  return (
    <section
      aria-label="Request headers changed by the proxy"
      className="header-diff"
      data-testid="header-diff"
    >
      <h3>Request headers changed on the way upstream</h3>
      {changes.length === 0 ? (
        <p className="pane-empty">None: the request was forwarded with the same headers.</p>
      ) : (
        <HeaderDiffTable
          before={downstream}
          after={upstream}
          beforeLabel="Client → inspector"
          afterLabel="Inspector → server"
          label="Request headers changed by the proxy"
          onlyChanges
        />
      )}
    </section>
  );
}

function collectHandshake(log: ConnectionLog) {
  const requests: HttpRequestEvent[] = [];
  const responses: HttpResponseEvent[] = [];
  let open: OpenEvent | undefined;
  // Handshake records precede the frames; stop at the first frame instead of walking a long log.
  for (const event of log.events.range(0, Math.min(log.events.length, 1000))) {
    if (event.type === 'http-request') requests.push(event);
    else if (event.type === 'http-response') responses.push(event);
    else if (event.type === 'open') open = event;
    else if (event.type === 'frame') break;
  }
  return { requests, responses, open };
}

export function HandshakePanel({ view, log }: { view: ConnectionView; log: ConnectionLog | undefined }) {
  // Re-render when the connection's log grows (the response may arrive after the panel is shown).
  useInspector((s) => s.revisions[view.key]);
  const { requests, responses, open } = log
    ? collectHandshake(log)
    : { requests: [], responses: [], open: undefined };
  const legs = [...new Set([...requests, ...responses].map((e) => e.leg))];

  return (
    <div className="handshake" data-testid="handshake-panel">
      {legs.length === 0 && (
        <p className="pane-empty">No HTTP handshake recorded {view.error ? `(${view.error})` : 'yet'}.</p>
      )}
      {legs.map((leg) => {
        const request = requests.find((r) => r.leg === leg);
        const response = responses.find((r) => r.leg === leg);
        const body = response?.body;
        return (
          <div key={leg} className="handshake-leg">
            {legs.length > 1 && (
              <h2>
                {leg === 'upstream'
                  ? 'Inspector → server'
                  : leg === 'downstream'
                    ? 'Client → inspector'
                    : leg}
              </h2>
            )}
            <div className="handshake-columns">
              <section aria-label="Request" className="handshake-half">
                <h3>Request</h3>
                {request ? (
                  <>
                    <p className="start-line" data-testid="request-line">
                      {request.head.method} <VisibleText text={request.head.target} /> HTTP/
                      {request.head.httpVersion}
                    </p>
                    <Headers headers={request.head.headers} label="Request headers" />
                  </>
                ) : (
                  <p className="pane-empty">not recorded</p>
                )}
              </section>
              <section aria-label="Response" className="handshake-half">
                <h3>Response</h3>
                {response ? (
                  <>
                    <p
                      className={`start-line status-${Math.floor(response.head.status / 100)}xx`}
                      data-testid="status-line"
                    >
                      HTTP/{response.head.httpVersion} {response.head.status}{' '}
                      <VisibleText text={response.head.statusText} />
                    </p>
                    <Headers headers={response.head.headers} label="Response headers" />
                    <p className={`accept accept-${response.accept}`} data-testid="accept-check">
                      {ACCEPT_TEXT[response.accept]}
                    </p>
                    {body && body.size > 0 && (
                      <section aria-label="Response body">
                        <h3>
                          Body ({body.size} bytes{body.truncated ? ', truncated' : ''})
                        </h3>
                        <pre className="payload-body">
                          <VisibleText
                            text={clipForDisplay(decodeUtf8(base64ToBytes(body.base64))).text}
                            multiline
                          />
                        </pre>
                      </section>
                    )}
                  </>
                ) : (
                  <p className="pane-empty">{view.error ? view.error : 'waiting…'}</p>
                )}
              </section>
            </div>
            {response?.tls && <Tls tls={response.tls} />}
            {response && <Timing timing={response.timing} />}
          </div>
        );
      })}
      {(() => {
        const down = requests.find((r) => r.leg === 'downstream');
        const up = requests.find((r) => r.leg === 'upstream');
        return down && up ? (
          <ProxyHeaderDiff downstream={down.head.headers} upstream={up.head.headers} />
        ) : null;
      })()}
      {open && (
        <section aria-label="Negotiated" className="negotiated">
          <h3>Negotiated</h3>
          <p>
            Subprotocol: {open.protocol || '(none)'} · Extensions:{' '}
            {open.extensions.length
              ? open.extensions
                  .map((x) =>
                    [
                      x.name,
                      ...Object.entries(x.params).map(([k, v]) => (v === true ? k : `${k}=${v}`)),
                    ].join('; '),
                  )
                  .join(', ')
              : '(none)'}
          </p>
        </section>
      )}
      <ComparePanel view={view} />
    </div>
  );
}
