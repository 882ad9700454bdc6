import type { CaptureEvent } from '../../shared/model/events.js';
import { senderOf } from '../../shared/model/wire.js';
import { closeText } from './format.js';

/** Follows one connection's records to say, at the end, how it ended and who ended it. */
export class CloseSummary {
  private opened = false;
  private firstClose: { side: string; code?: number; reason?: string } | undefined;
  private closeFrames = new Set<string>();
  private firstTcpEnd: { kind: string; side: string } | undefined;
  private lastError: { code: string; message: string } | undefined;
  private rejectedStatus: number | undefined;

  observe(event: CaptureEvent): void {
    switch (event.type) {
      case 'open':
        this.opened = true;
        break;
      case 'http-response':
        if (event.head.status !== 101) this.rejectedStatus = event.head.status;
        break;
      case 'frame':
        if (event.frame.opcode === 8) {
          this.closeFrames.add(event.frame.dir);
          this.firstClose ??= { side: senderOf(event.frame.dir), ...event.frame.close };
        }
        break;
      case 'tcp':
        if (event.kind !== 'connect')
          this.firstTcpEnd ??= { kind: event.kind.toUpperCase(), side: event.side };
        break;
      case 'error':
        this.lastError ??= { code: event.code, message: event.message };
        break;
      default:
        break;
    }
  }

  get wasOpen(): boolean {
    return this.opened;
  }

  describe(): string {
    if (!this.opened) {
      if (this.rejectedStatus !== undefined) return `handshake rejected: HTTP ${this.rejectedStatus}`;
      return `connection failed${this.lastError ? `: ${this.lastError.code} ${this.lastError.message}` : ''}`;
    }
    if (this.firstClose) {
      const complete = this.closeFrames.size === 2 ? 'closing handshake complete' : 'no close frame in reply';
      return `closed by ${this.firstClose.side}: ${closeText(this.firstClose.code, this.firstClose.reason)}; ${complete}`;
    }
    if (this.firstTcpEnd) {
      return `closed without a close frame (a browser reports 1006): TCP ${this.firstTcpEnd.kind} sent by ${this.firstTcpEnd.side}`;
    }
    return 'ended without a close frame (a browser reports 1006)';
  }
}
