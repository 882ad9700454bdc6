import { closeVerdict, NO_CLOSE_EVIDENCE, observeClose } from '../../shared/analysis/close-attribution.js';
import type { CloseEvidence } from '../../shared/analysis/close-attribution.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import { closeText } from './format.js';

const TCP_END = { fin: 'TCP FIN', rst: 'TCP RST' } as const;

/**
 * Follows one connection's records to say, at the end, how it ended and who ended it: shared/analysis's close
 * attribution (the one `wsi analyze` and the UI use), worded for the `wsi connect` log.
 */
export class CloseSummary {
  private opened = false;
  private evidence: CloseEvidence = NO_CLOSE_EVIDENCE;
  private index = 0;
  private firstError: { code: string; message: string } | undefined;
  private rejectedStatus: number | undefined;

  observe(event: CaptureEvent): void {
    this.evidence = observeClose(this.evidence, event, this.index++);
    if (event.type === 'open') this.opened = true;
    else if (event.type === 'http-response' && event.head.status !== 101)
      this.rejectedStatus = event.head.status;
    else if (event.type === 'error') this.firstError ??= { code: event.code, message: event.message };
  }

  get wasOpen(): boolean {
    return this.opened;
  }

  describe(): string {
    const close = closeVerdict(this.evidence);
    if (close.injectedFault) {
      const what = this.opened ? 'closed' : 'handshake ended';
      return `${what} by the inspector (fault injection: ${close.injectedFault.description})`;
    }
    if (!this.opened) {
      if (this.rejectedStatus !== undefined) return `handshake rejected: HTTP ${this.rejectedStatus}`;
      return `connection failed${this.firstError ? `: ${this.firstError.code} ${this.firstError.message}` : ''}`;
    }
    const first = close.firstClose;
    if (first) {
      const complete = close.closingHandshakeComplete
        ? 'closing handshake complete'
        : 'no close frame in reply';
      return `closed by ${first.side}: ${closeText(first.code ?? undefined, first.reason ?? undefined)}; ${complete}`;
    }
    const browser = `(a browser reports ${close.browserCloseCode ?? 1006})`;
    if (close.kind === 'timeout' || close.kind === 'error') {
      const error = this.firstError ? `: ${this.firstError.code} ${this.firstError.message}` : '';
      const by = close.initiator === 'unknown' ? '' : ` on the ${close.initiator} side`;
      return `closed without a close frame ${browser}: ${close.kind}${by}${error}`;
    }
    const tcpEnd = close.firstTcpEnd;
    if (tcpEnd)
      return `closed without a close frame ${browser}: ${TCP_END[tcpEnd.kind]} sent by ${tcpEnd.side}`;
    return `ended without a close frame ${browser}`;
  }
}
