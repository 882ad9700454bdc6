import type { ConnectReconnect, ReconnectNotice } from '../../shared/api/contract.js';
import type { ConnectionId } from '../../shared/model/events.js';
import { mayReconnect, reconnectDelay } from '../client/reconnect-policy.js';

export interface ReconnectLink {
  reconnectOf: ConnectionId;
  attempt: number;
  reconnectDelayMs: number;
}

export interface ReconnectHost {
  /** Open the next connection of the chain; returns its id. */
  open(link: ReconnectLink): ConnectionId;
  notify(notice: ReconnectNotice): void;
}

/**
 * The connections opened one after another for one connect request with `reconnect`: when the latest one ends
 * without the user asking, the next is opened after the backoff delay, until stopped or out of attempts.
 */
export class ReconnectChain {
  private latestConn: ConnectionId;
  private attemptsMade = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    readonly first: ConnectionId,
    private readonly policy: ConnectReconnect,
    private readonly host: ReconnectHost,
    private readonly random: () => number = Math.random,
  ) {
    this.latestConn = first;
  }

  get latest(): ConnectionId {
    return this.latestConn;
  }

  get isActive(): boolean {
    return !this.stopped;
  }

  /** The connection `conn` of this chain ended; `byUser` when the user closed or aborted it. */
  connectionEnded(conn: ConnectionId, byUser: boolean): void {
    if (this.stopped || conn !== this.latestConn) return;
    if (byUser) return this.stop();
    if (!mayReconnect(this.policy, this.attemptsMade)) {
      this.stopped = true;
      this.host.notify({ conn, chain: this.first, state: 'exhausted', attempt: this.attemptsMade });
      return;
    }
    const attempt = ++this.attemptsMade;
    const delayMs = reconnectDelay(this.policy, attempt, this.random);
    this.host.notify({ conn, chain: this.first, state: 'scheduled', attempt, delayMs });
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      try {
        this.latestConn = this.host.open({ reconnectOf: conn, attempt, reconnectDelayMs: delayMs });
      } catch {
        this.stopped = true;
        this.host.notify({ conn, chain: this.first, state: 'exhausted', attempt });
      }
    }, delayMs);
  }

  /** No further attempts (a pending one is cancelled). Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.host.notify({
      conn: this.latestConn,
      chain: this.first,
      state: 'stopped',
      attempt: this.attemptsMade,
    });
  }
}
