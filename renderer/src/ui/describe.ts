import type { InjectedFault } from '../../../shared/model/fault.js';
import type { CloseKind } from '../../../shared/model/finding.js';
import { describeFault } from '../../../shared/model/fault.js';
import type { ViolationRecord } from '../../../shared/model/frame.js';
import { closeCodeMeaning } from '../format/protocol-names.js';
import type { ConnectionView } from '../store/connection-view.js';
import { browserCloseCode } from '../store/connection-view.js';

const HOW: Record<CloseKind, string> = {
  'close-frame': 'close frame',
  'tcp-fin': 'TCP FIN without close frame',
  'tcp-rst': 'TCP reset',
  timeout: 'timeout',
  error: 'error',
  open: 'open',
};

/** e.g. "1000 normal closure · closed by client (close frame, both sides)". */
export function describeClose(view: ConnectionView): string | null {
  if (view.state === 'failed') return describeFailure(view);
  const close = view.close;
  if (close?.injectedFault) return describeFaultClose(view, close.injectedFault.fault);
  if (!close || close.kind === 'open')
    return view.state === 'closed' ? '1006 Abnormal Closure · no close frame' : null;
  // Only the end record: nothing says who ended it.
  if ((close.kind === 'tcp-fin' || close.kind === 'tcp-rst') && !close.firstTcpEnd)
    return `${codeWithMeaning(browserCloseCode(view))} · no close frame`;
  const code = close.firstClose ? (close.firstClose.code ?? undefined) : browserCloseCode(view);
  const codeText = codeWithMeaning(code);
  const reason = close.firstClose?.reason ? ` “${close.firstClose.reason}”` : '';
  const who = close.initiator === 'unknown' ? 'closer unknown' : `closed by ${close.initiator}`;
  const how =
    close.kind === 'close-frame'
      ? close.closingHandshakeComplete
        ? 'close frame, answered'
        : view.state === 'closing'
          ? 'close frame, waiting for the answer'
          : 'close frame, not answered'
      : HOW[close.kind];
  return `${codeText}${reason} · ${who} (${how})`;
}

const codeWithMeaning = (code: number | undefined): string =>
  code === undefined ? 'no status code' : `${code} ${closeCodeMeaning(code)}`;

/** e.g. "1006 Abnormal Closure · closed by the inspector (fault injection: TCP FIN without a close frame to both sides)". */
function describeFaultClose(view: ConnectionView, fault: InjectedFault): string {
  const code = fault.kind === 'close' ? fault.code : browserCloseCode(view);
  const codeText = code === undefined ? '' : `${codeWithMeaning(code)} · `;
  return `${codeText}closed by the inspector (fault injection: ${describeFault(fault)})`;
}

/** Why a connection never opened: a refused handshake, an error, or TCP ending before the answer. */
function describeFailure(view: ConnectionView): string {
  const fault = view.close?.injectedFault?.fault;
  if (fault && fault.kind === 'reject-upgrade') {
    return `Handshake refused by the inspector (fault injection: ${describeFault(fault)})`;
  }
  if (fault) return describeFaultClose(view, fault);
  if (view.status !== undefined && view.status !== 101) {
    return `Handshake refused: HTTP ${view.status} ${view.statusText ?? ''}`.trimEnd();
  }
  if (view.error) return view.error;
  const tcpEnd = view.close?.firstTcpEnd;
  if (tcpEnd) {
    const how = tcpEnd.kind === 'rst' ? 'TCP reset' : 'TCP FIN without close frame';
    return `The ${tcpEnd.side} ended the TCP connection (${how}) before the handshake completed`;
  }
  return 'Failed before the handshake completed';
}

export function describeViolation(v: ViolationRecord): string {
  return `${v.message} (${v.code}; a conforming peer closes with ${v.closeCode} ${closeCodeMeaning(v.closeCode)})`;
}

/**
 * The state badge of a connection. A connection opened from a file is never shown as live: until its end record is
 * read it is "read-only", and a finished file without one says "cut" (the recorder was killed).
 */
export function stateBadge(
  view: ConnectionView,
  loading: boolean,
): { label: string; className: string; title?: string } {
  if (!view.readOnly || view.endT !== undefined)
    return { label: view.state, className: `state-${view.state}` };
  if (loading)
    return {
      label: 'read-only',
      className: 'state-read-only',
      title: 'Opened from a file (still reading it): a recording, not a live connection',
    };
  return {
    label: 'cut',
    className: 'state-cut',
    title: 'Recording cut: no end record, state unknown',
  };
}
