import type net from 'node:net';
import { FrameSkimmer } from './frame-skimmer.js';
import type { FrameFilter } from './faults/frame-filter.js';

export interface PipeHooks {
  /** Every chunk read from the source, whatever a fault does with it afterwards. */
  received?: (chunk: Buffer) => void;
  /** Every chunk written to the destination, injected bytes included. */
  delivered?: (chunk: Buffer) => void;
}

interface Queued {
  chunk?: Buffer;
  /** The source's FIN, passed on in order behind the chunks before it. */
  end?: true;
  dueAt: number;
}

/** Bytes held for latency or a stall before the source is paused (TCP backpressure does the rest). */
const QUEUE_HIGH_WATER = 4 * 1024 * 1024;

/**
 * One direction of the relay: bytes from `from` written to `to` exactly as received. Faults can delay chunks
 * (latency with optional jitter, a bandwidth limit; in order), hold them (stall: the source is paused, as a hung
 * intermediary stops reading), discard everything (after a drop), pass them through a frame filter (swallowed pongs,
 * dropped messages) after the message breakpoints' stage (held messages), or write a frame at the next frame boundary. Without faults every chunk is written at once. A
 * header-only skimmer follows frame boundaries over every byte delivered or discarded.
 */
export class RelayPipe {
  private latencyMs = 0;
  private jitterMs = 0;
  /** Bytes per second this direction may carry (0: unlimited). */
  private bandwidth = 0;
  private filter: FrameFilter | undefined;
  private holdStage: { push(chunk: Buffer): void } | undefined;
  private breakpointHold = false;
  private stalled = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private discarding = false;
  private readonly queue: Queued[] = [];
  private queuedBytes = 0;
  private lastDueAt = 0;
  private waitingDrain = false;
  private paused = false;
  private captureHold = false;
  private pumpTimer: NodeJS.Timeout | undefined;
  private readonly skimmer = new FrameSkimmer();
  private injection: { bytes: Buffer; then: () => void; endsRelay: boolean } | undefined;
  /** Called when a close frame's header passes (delivered or discarded). */
  onCloseFrame: (() => void) | undefined;
  /** performance.now() of the last chunk read from the source. */
  lastReceivedAt = 0;

  constructor(
    readonly from: net.Socket,
    readonly to: net.Socket,
    private readonly hooks: PipeHooks,
  ) {
    to.on('drain', () => {
      this.waitingDrain = false;
      this.pump();
    });
  }

  get isDiscarding(): boolean {
    return this.discarding;
  }

  accept(chunk: Buffer): void {
    this.lastReceivedAt = performance.now();
    this.hooks.received?.(chunk);
    if (this.discarding) return this.skim(chunk);
    if (this.holdStage) return this.holdStage.push(chunk);
    this.passed(chunk);
  }

  /** Bytes the message breakpoints let through (in order): on to the frame faults, then the destination. */
  passed(chunk: Buffer): void {
    if (this.discarding) return this.skim(chunk);
    if (this.filter) return this.filter.push(chunk);
    this.forward(chunk);
  }

  /** Bytes on their way to the destination: at once, or behind the queue (latency, stall, bandwidth, backpressure). */
  forward(chunk: Buffer): void {
    if (this.discarding) return this.skim(chunk);
    if (this.queue.length === 0 && !this.delaying && !this.waitingDrain) return this.deliver(chunk);
    if (this.bandwidth === 0) return this.enqueue({ chunk, dueAt: 0 });
    // Small slices, so a throttled direction trickles instead of arriving in bursts.
    const slice = Math.max(1, Math.min(16 * 1024, Math.floor(this.bandwidth / 50)));
    for (let at = 0; at < chunk.length; at += slice)
      this.enqueue({ chunk: chunk.subarray(at, at + slice), dueAt: 0 });
  }

  /** The source sent FIN: pass it on behind what is still queued. */
  acceptEnd(): void {
    if (this.discarding) return;
    if (this.queue.length === 0 && !this.delaying) return this.endDestination();
    this.enqueue({ end: true, dueAt: 0 });
  }

  private get delaying(): boolean {
    return this.stalled || this.latencyMs > 0 || this.bandwidth > 0;
  }

  /** Message breakpoints: every chunk read goes through `stage` first, which passes on what it does not hold. */
  setHoldStage(stage: { push(chunk: Buffer): void }): void {
    this.holdStage = stage;
  }

  /** Frame-level faults: every chunk read goes through `filter`, which forwards what passes. */
  setFilter(filter: FrameFilter): void {
    this.filter = filter;
  }

  /** Each chunk `ms` late, give or take up to `jitterMs` (uniform), order kept. */
  setLatency(ms: number, jitterMs = 0): void {
    this.latencyMs = ms;
    this.jitterMs = jitterMs;
  }

  setBandwidth(bytesPerSecond: number): void {
    this.bandwidth = bytesPerSecond;
  }

  stall(ms?: number): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.stalled = true;
    if (ms !== undefined) this.stallTimer = setTimeout(() => this.resume(), ms);
    this.updateFlow();
  }

  resume(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
    this.stalled = false;
    this.pump();
  }

  /** From now on nothing reaches the destination; the source is still read (and skimmed) so it can finish. */
  discard(): void {
    if (this.discarding) return;
    this.discarding = true;
    this.stalled = false;
    this.injection = undefined;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    for (const item of this.queue.splice(0)) if (item.chunk) this.skim(item.chunk);
    this.queuedBytes = 0;
    this.updateFlow();
  }

  /**
   * Writes `bytes` at the next frame boundary of what the destination received (finishing the frame in progress
   * from held or incoming bytes, at once and whatever the stall or latency), then calls `then`.
   */
  injectAtBoundary(bytes: Buffer, then: () => void): void {
    if (this.discarding) return then();
    this.injection = { bytes, then, endsRelay: true };
    this.stalled = false;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    while (this.injection && this.queue.length > 0) {
      const item = this.queue.shift()!;
      if (item.chunk) {
        this.queuedBytes -= item.chunk.length;
        this.deliver(item.chunk);
      }
    }
    if (this.injection && this.skimmer.atBoundary) this.inject();
    this.updateFlow();
  }

  /**
   * Writes `bytes` (whole frames) between two frames of the stream: at once when the destination is at a frame
   * boundary, else as soon as the frame in progress has been delivered; the relay then goes on as before. Throws
   * while the direction is taken out of the relay or another insertion is still waiting.
   */
  insertAtBoundary(bytes: Buffer): void {
    if (this.discarding || this.to.destroyed || this.to.writableEnded)
      throw new Error('this direction of the connection is closed');
    if (this.injection) throw new Error('an injected message is still waiting for a frame boundary');
    this.injection = { bytes, then: () => undefined, endsRelay: false };
    if (this.queue.length === 0 && this.skimmer.atBoundary) this.inject();
  }

  dispose(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.queue.length = 0;
    this.queuedBytes = 0;
  }

  private enqueue(item: Queued): void {
    const jitter = this.jitterMs > 0 ? (Math.random() * 2 - 1) * this.jitterMs : 0;
    // Never earlier than the item before it: lowering the latency must not reorder bytes.
    item.dueAt = Math.max(performance.now() + Math.max(0, this.latencyMs + jitter), this.lastDueAt);
    // At the bandwidth limit each chunk also takes its transmission time.
    if (this.bandwidth > 0 && item.chunk) item.dueAt += (item.chunk.length * 1000) / this.bandwidth;
    this.lastDueAt = item.dueAt;
    this.queue.push(item);
    if (item.chunk) this.queuedBytes += item.chunk.length;
    this.pump();
  }

  private pump(): void {
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    while (this.queue.length > 0 && !this.stalled && !this.waitingDrain && !this.discarding) {
      const head = this.queue[0]!;
      const wait = head.dueAt - performance.now();
      if (wait > 0) {
        this.pumpTimer = setTimeout(() => this.pump(), Math.ceil(wait));
        break;
      }
      this.queue.shift();
      if (head.end) this.endDestination();
      else if (head.chunk) {
        this.queuedBytes -= head.chunk.length;
        this.deliver(head.chunk);
      }
    }
    this.updateFlow();
  }

  private deliver(chunk: Buffer): void {
    if (this.injection) {
      const cut = this.skimmer.nextBoundary(chunk);
      if (cut >= 0) {
        if (cut > 0) this.write(chunk.subarray(0, cut));
        const endsRelay = this.injection.endsRelay;
        this.inject();
        if (endsRelay) this.skim(chunk.subarray(cut));
        else if (cut < chunk.length) this.write(chunk.subarray(cut));
        return;
      }
    }
    this.write(chunk);
  }

  private inject(): void {
    const injection = this.injection;
    if (!injection) return;
    this.injection = undefined;
    this.write(injection.bytes, false);
    if (!injection.endsRelay) return;
    this.discard();
    injection.then();
  }

  private write(chunk: Buffer, skim = true): void {
    if (skim) this.skim(chunk);
    if (this.to.destroyed || this.to.writableEnded) return;
    this.hooks.delivered?.(chunk);
    if (!this.to.write(chunk)) this.waitingDrain = true;
    this.updateFlow();
  }

  private skim(chunk: Buffer): void {
    const before = this.skimmer.closeFrames;
    this.skimmer.skim(chunk);
    if (this.skimmer.closeFrames !== before) this.onCloseFrame?.();
  }

  private endDestination(): void {
    if (!this.to.destroyed && !this.to.writableEnded) this.to.end();
  }

  /** Recording cannot take more now: stop reading the source until it can (nothing is dropped). */
  holdForCapture(on: boolean): void {
    this.captureHold = on;
    this.updateFlow();
  }

  /** Too much waits behind a held message: stop reading the source until it is released. */
  holdForBreakpoint(on: boolean): void {
    this.breakpointHold = on;
    this.updateFlow();
  }

  private updateFlow(): void {
    const hold =
      this.captureHold ||
      (this.breakpointHold && !this.discarding) ||
      (!this.discarding && (this.waitingDrain || this.stalled || this.queuedBytes >= QUEUE_HIGH_WATER));
    if (hold === this.paused || this.from.destroyed) return;
    this.paused = hold;
    if (hold) this.from.pause();
    else this.from.resume();
  }
}
