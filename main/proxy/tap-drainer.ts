import type { Drainable } from './connection-taps.js';

/**
 * Drains tap queues into their consumers after the event loop's I/O phase (setImmediate), in slices, so socket
 * reads and relay writes always run first and recording only uses the time left over.
 */
export class TapDrainer {
  private readonly pending = new Set<Drainable>();
  private scheduled = false;

  constructor(private readonly sliceMs = 4) {}

  /** Notes that `work` has something queued. Cheap enough to call on every relayed chunk. */
  wake(work: Drainable): void {
    this.pending.add(work);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    let blocked = 0;
    for (const work of this.pending) {
      if (!work.ready()) {
        blocked++;
        continue;
      }
      let more: boolean;
      try {
        more = work.drain(deadline);
      } catch {
        // A recorder bug must not take the relay down; the item that failed is skipped, the rest keep their order.
        more = true;
      }
      if (!more) this.pending.delete(work);
      if (performance.now() > deadline) break;
    }
    if (this.pending.size > 0 && !this.scheduled) {
      this.scheduled = true;
      // Consumers that are all waiting (a busy capture worker) are polled, not spun on.
      if (blocked === this.pending.size) setTimeout(this.run, 2);
      else setImmediate(this.run);
    }
  };
}

export const sharedDrainer = new TapDrainer();
