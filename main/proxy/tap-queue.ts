import { FrameSkimmer } from './frame-skimmer.js';

/** Receives the bytes of one direction in order, with explicit gaps where recording fell behind. */
export interface TapConsumer {
  /** `at` is when the relay received the chunk (performance.now()). */
  bytes(chunk: Buffer, at: number): void;
  /** `frames` whole frames (`bytes` bytes) were relayed but not recorded at this point of the stream. */
  dropped(frames: number, bytes: number): void;
  /** Capture of this direction stopped for good mid-frame (the recorder cannot resynchronise). */
  lost?(frames: number, bytes: number): void;
  /** False while the consumer cannot take more bytes now (the queue holds them, then drops whole frames). */
  ready?(): boolean;
  /**
   * The consumer only hands bytes on (no parsing), so the relay may drain into it right away instead of after the
   * I/O phase.
   */
  cheap?: boolean;
  /**
   * The consumer takes every chunk synchronously and never drops (the capture ring): the relay hands chunks to it
   * directly, with no tap queue in between.
   */
  direct?: boolean;
}

export interface TapQueueOptions {
  /** Bytes that may wait for the recorder before capture starts dropping whole frames. */
  budgetBytes: number;
  /** A single frame may push the queue past the budget (it is kept whole) up to this many bytes. Default 64 MiB. */
  hardLimitBytes?: number;
}

type Item =
  | { kind: 'bytes'; chunk: Buffer; at: number }
  | { kind: 'dropped'; frames: number; bytes: number; at: number };

/**
 * The relay pushes every chunk here synchronously (no copy, no parsing beyond frame headers) and goes on
 * relaying; the recorder drains it later. When the recorder falls behind, whole frames are dropped from capture
 * (never from the relay) and the gap is reported with exact frame and byte counts.
 */
export class TapQueue {
  private readonly items: Item[] = [];
  private head = 0;
  private queuedBytes = 0;
  private readonly skimmer = new FrameSkimmer();
  private mode: 'recording' | 'dropping' | 'lost' = 'recording';
  private droppedFrames = 0;
  private droppedBytes = 0;
  private readonly budget: number;
  private readonly hardLimit: number;
  /** Totals over the life of the queue, for reports. */
  totalDroppedFrames = 0;
  totalDroppedBytes = 0;

  constructor(options: TapQueueOptions) {
    this.budget = options.budgetBytes;
    // A frame in progress is kept whole well past the budget: losing sync costs the rest of the connection's capture.
    this.hardLimit = options.hardLimitBytes ?? Math.max(options.budgetBytes * 4, 64 * 1024 * 1024);
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  get hasWork(): boolean {
    return this.head < this.items.length;
  }

  private now = 0;

  push(chunk: Buffer, at = performance.now()): void {
    if (chunk.length === 0) return;
    this.now = at;
    if (this.mode === 'recording') this.pushRecording(chunk);
    else if (this.mode === 'dropping') this.pushDropping(chunk);
    else this.countDropped(chunk);
  }

  private pushRecording(chunk: Buffer): void {
    if (this.queuedBytes === 0 || this.queuedBytes + chunk.length <= this.budget) return this.enqueue(chunk);
    const boundary = this.skimmer.nextBoundary(chunk);
    if (boundary === -1) {
      if (this.queuedBytes + chunk.length <= this.hardLimit) return this.enqueue(chunk);
      this.mode = 'lost';
      this.countDropped(chunk);
      return;
    }
    if (boundary > 0) this.enqueue(chunk.subarray(0, boundary));
    this.mode = 'dropping';
    this.pushDropping(chunk.subarray(boundary));
  }

  private pushDropping(chunk: Buffer): void {
    if (this.queuedBytes <= this.budget / 2) {
      const boundary = this.skimmer.nextBoundary(chunk);
      const fits = (rest: number): boolean =>
        this.queuedBytes === 0 || this.queuedBytes + rest <= this.budget;
      if (boundary !== -1 && fits(chunk.length - boundary)) {
        if (boundary > 0) this.countDropped(chunk.subarray(0, boundary));
        this.flushDropped();
        this.mode = 'recording';
        if (boundary < chunk.length) this.pushRecording(chunk.subarray(boundary));
        return;
      }
    }
    this.countDropped(chunk);
  }

  private enqueue(chunk: Buffer): void {
    this.skimmer.skim(chunk);
    this.items.push({ kind: 'bytes', chunk, at: this.now });
    this.queuedBytes += chunk.length;
  }

  private countDropped(chunk: Buffer): void {
    this.droppedFrames += this.skimmer.skim(chunk);
    this.droppedBytes += chunk.length;
  }

  private flushDropped(): void {
    if (this.droppedBytes === 0) return;
    this.items.push({ kind: 'dropped', frames: this.droppedFrames, bytes: this.droppedBytes, at: this.now });
    this.totalDroppedFrames += this.droppedFrames;
    this.totalDroppedBytes += this.droppedBytes;
    this.droppedFrames = 0;
    this.droppedBytes = 0;
  }

  /** When the relay saw the next queued item (for merging two directions in order), or undefined when empty. */
  get nextAt(): number | undefined {
    return this.items[this.head]?.at;
  }

  /** Hands the next queued item to the consumer. */
  takeOne(consumer: TapConsumer): void {
    const item = this.items[this.head];
    if (!item) return;
    this.items[this.head++] = undefined as unknown as Item;
    if (item.kind === 'bytes') {
      this.queuedBytes -= item.chunk.length;
      consumer.bytes(item.chunk, item.at);
    } else {
      consumer.dropped(item.frames, item.bytes);
    }
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  /** The stream ended: queue the report of a gap still open (a mid-frame loss is reported by `reportLost`). */
  closeGap(): void {
    if (this.mode !== 'lost') this.flushDropped();
  }

  /** After the last item: if capture lost sync mid-frame, say how much was not recorded. */
  reportLost(consumer: TapConsumer): void {
    if (this.mode !== 'lost' || this.droppedBytes === 0) return;
    this.totalDroppedFrames += this.droppedFrames;
    this.totalDroppedBytes += this.droppedBytes;
    (consumer.lost ?? consumer.dropped).call(consumer, this.droppedFrames, this.droppedBytes);
    this.droppedFrames = 0;
    this.droppedBytes = 0;
  }

  /**
   * Hands queued items to the consumer until `deadline` (performance.now()) passes or the consumer is not ready.
   * Returns true if work remains. `force` ignores readiness (used before TCP facts and at the end, for order).
   */
  drain(consumer: TapConsumer, deadline = Infinity, force = false): boolean {
    while (this.head < this.items.length) {
      if (!force && consumer.ready && !consumer.ready()) return true;
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined as unknown as Item;
      if (item.kind === 'bytes') {
        this.queuedBytes -= item.chunk.length;
        consumer.bytes(item.chunk, item.at);
      } else {
        consumer.dropped(item.frames, item.bytes);
      }
      if (this.head >= 1024 && this.head * 2 >= this.items.length) {
        this.items.splice(0, this.head);
        this.head = 0;
      }
      if (performance.now() > deadline) return this.hasWork;
    }
    this.items.length = 0;
    this.head = 0;
    return false;
  }

  /** The stream ended: report any gap still open, then drain everything. */
  finish(consumer: TapConsumer): void {
    if (this.mode === 'lost') {
      this.drain(consumer, Infinity, true);
      this.totalDroppedFrames += this.droppedFrames;
      this.totalDroppedBytes += this.droppedBytes;
      if (this.droppedBytes > 0)
        (consumer.lost ?? consumer.dropped).call(consumer, this.droppedFrames, this.droppedBytes);
      this.droppedFrames = 0;
      this.droppedBytes = 0;
      return;
    }
    this.flushDropped();
    this.drain(consumer, Infinity, true);
  }
}
