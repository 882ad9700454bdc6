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

/**
 * Times our oldest unanswered ping: `onTimeout(waitedMs)` when no pong came within `timeoutMs` of it. A pong answers
 * every ping sent before it (RFC 6455 §5.5.3: a pong may answer only the latest ping).
 */
export class PongWait {
  private timer: NodeJS.Timeout | undefined;
  private since: number | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onTimeout: (waitedMs: number) => void,
  ) {}

  pingSent(): void {
    if (this.since !== undefined) return;
    const since = performance.now();
    this.since = since;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.since = undefined;
      this.onTimeout(performance.now() - since);
    }, this.timeoutMs);
    this.timer.unref();
  }

  answered(): void {
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.since = undefined;
  }
}
