import type { ConnectHeartbeat } from '../../shared/api/contract.js';

export interface HeartbeatTarget {
  isOpen(): boolean;
  ping(payload: string): void;
  sendText(text: string): void;
}

/** Sends a protocol ping or a text message at an interval while the target is open. */
export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ConnectHeartbeat,
    private readonly target: HeartbeatTarget,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.beat(), this.settings.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private beat(): void {
    if (!this.target.isOpen()) return;
    if (this.settings.kind === 'ping') this.target.ping(this.settings.message ?? '');
    else this.target.sendText(this.settings.message ?? '');
  }
}
