import type { Direction } from '../../shared/model/wire.js';
import type { TapConsumer } from './tap-queue.js';
import { TapQueue } from './tap-queue.js';

/** Something the drainer can work on in slices. */
export interface Drainable {
  /** Hands queued bytes on until `deadline` (performance.now()); true if work remains. */
  drain(deadline?: number, force?: boolean): boolean;
  /** False while the consumer cannot take more now. */
  ready(): boolean;
}

/**
 * Both directions' tap queues of one connection, drained as one stream in the order the relay saw the chunks, so
 * the records of the two directions interleave as they happened on the wire.
 */
export class ConnectionTaps implements Drainable {
  private readonly queues: Record<Direction, TapQueue>;

  constructor(
    private readonly consumers: Record<Direction, TapConsumer>,
    budgetBytes: number,
  ) {
    this.queues = { c2s: new TapQueue({ budgetBytes }), s2c: new TapQueue({ budgetBytes }) };
  }

  /** The consumers only hand bytes on: the relay may drain right away. */
  get cheap(): boolean {
    return this.consumers.c2s.cheap === true;
  }

  push(dir: Direction, chunk: Buffer): void {
    this.queues[dir].push(chunk);
  }

  ready(): boolean {
    return this.consumers.c2s.ready?.() ?? true;
  }

  drain(deadline = Infinity, force = false): boolean {
    const { c2s, s2c } = this.queues;
    for (;;) {
      const a = c2s.nextAt;
      const b = s2c.nextAt;
      if (a === undefined && b === undefined) return false;
      if (!force && !this.ready()) return true;
      if (b === undefined || (a !== undefined && a <= b)) c2s.takeOne(this.consumers.c2s);
      else s2c.takeOne(this.consumers.s2c);
      if (performance.now() > deadline) return c2s.hasWork || s2c.hasWork;
    }
  }

  /** The connection is over: everything queued goes to the consumers, gaps included. */
  finish(): void {
    this.queues.c2s.closeGap();
    this.queues.s2c.closeGap();
    this.drain(Infinity, true);
    this.queues.c2s.reportLost(this.consumers.c2s);
    this.queues.s2c.reportLost(this.consumers.s2c);
  }
}
