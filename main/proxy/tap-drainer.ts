import type { TapConsumer, TapQueue } from './tap-queue.js';

/**
 * Drains tap queues into their consumers after the event loop's I/O phase (setImmediate), in slices, so socket
 * reads and relay writes always run first and recording only uses the time left over.
 */
export class TapDrainer {
  private readonly pending = new Map<TapQueue, TapConsumer>();
  private scheduled = false;

  constructor(private readonly sliceMs = 4) {}

  /** Notes that `queue` has work for `consumer`. Cheap enough to call on every relayed chunk. */
  wake(queue: TapQueue, consumer: TapConsumer): void {
    if (!this.pending.has(queue)) this.pending.set(queue, consumer);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.run);
    }
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const deadline = performance.now() + this.sliceMs;
    let blocked = 0;
    for (const [queue, consumer] of this.pending) {
      if (consumer.ready && !consumer.ready()) {
        blocked++;
        continue;
      }
      let more: boolean;
      try {
        more = queue.drain(consumer, deadline);
      } catch {
        // A recorder bug must not take the relay down; the queue keeps its order for the next attempt.
        more = queue.hasWork;
      }
      if (!more) this.pending.delete(queue);
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
