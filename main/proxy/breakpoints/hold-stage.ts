import { PakoInflater } from '../../../shared/protocol/pako-inflater.js';
import type { RuleSubject } from '../../../shared/protocol/message-rule.js';
import { buildFrame } from '../faults/close-frame.js';
import { FrameHeadReader, unmaskedPayload } from '../frame-head.js';
import type { FrameHead } from '../frame-head.js';
import { MessageDeflater } from './message-deflater.js';

const DEFLATE_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const CLOSE = 0x8;
/** Bytes waiting behind a held message before the sender is no longer read (TCP backpressure does the rest). */
const QUEUE_HIGH_WATER = 16 * 1024 * 1024;

/** One whole message (all its frames) or one control frame, as the sender sent it. */
export interface HoldUnit {
  opcode: number;
  /** RSV1 on its first frame: compressed with permessage-deflate. */
  compressed: boolean;
  /** Its frames' bytes as received. */
  raw: Buffer[];
  rawBytes: number;
  /** The payload unmasked and inflated; undefined when it could not be inflated. */
  plain: Buffer | undefined;
}

/** What the stage asks of its direction: a rule that holds a unit, and where its decisions go. */
export interface HoldStageSettings {
  /** Frames toward the server are masked (RFC 6455 §5.3). */
  masked: boolean;
  /** permessage-deflate was negotiated. */
  deflate: boolean;
  /** The sender keeps its compression context between messages (no `*_no_context_takeover`). */
  senderTakeover: boolean;
  /** The receiver's window (`*_max_window_bits` of the sender), for messages the relay compresses. */
  windowBits: number;
  /** The rule (by its text) that holds this unit, if any. */
  match(subject: RuleSubject): string | undefined;
  /** Whether any rule could hold a unit with this opcode (data: 1 or 2; control: its own opcode). */
  holds(opcode: number): boolean;
}

export interface HoldStageSink {
  forward(bytes: Buffer): void;
  held(unit: HoldUnit, rule: string): void;
  /** Units waiting behind the held one changed. */
  queued(count: number): void;
  /** Too much is waiting: stop (true) or resume (false) reading the sender. */
  pressure(on: boolean): void;
}

interface Frame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: Buffer | undefined;
  remaining: number;
  collect: boolean;
  raw: Buffer[];
  payload: Buffer[];
}

interface Message {
  opcode: number;
  compressed: boolean;
  collect: boolean;
  /** Its payload goes through the sender's inflater (collected, or passing while the window is followed). */
  inflate: boolean;
  raw: Buffer[];
  payload: Buffer[];
}

/**
 * One direction of a proxied connection, for message breakpoints. Frames that no rule can hold pass as their bytes
 * arrive (a chunk is forwarded whole when it holds nothing to judge); a data message a rule could hold is collected
 * to its final frame, judged whole, and either forwarded as received or held. While one is held, the units after it
 * wait in order (pings and pongs pass, a close waits). Releasing it forwards it as received, writes a replacement
 * (re-masked toward the server, compressed when the original was), or drops it.
 *
 * With permessage-deflate and context takeover the receiver's window must keep matching what it is sent: after an
 * edit or a drop the stage re-compresses every later compressed message itself (inflated with the sender's context,
 * deflated with its own), which is why it inflates every compressed message of such a direction while a rule applies
 * to it; once one passed without (no rule), compressed messages of that direction are never held again.
 */
export class HoldStage {
  private readonly heads = new FrameHeadReader();
  private frame: Frame | undefined;
  private message: Message | undefined;
  private readonly inflater: PakoInflater | undefined;
  private deflater: MessageDeflater | undefined;
  /** From an edit or a drop on a context-takeover direction: compressed messages are re-compressed by the relay. */
  private translating = false;
  /** Compressed messages passed here without being inflated, so the sender's window is no longer known. */
  private contextLost = false;
  private heldUnit: HoldUnit | undefined;
  private readonly queue: HoldUnit[] = [];
  private queuedBytes = 0;
  private pressing = false;

  constructor(
    private readonly settings: HoldStageSettings,
    private readonly sink: HoldStageSink,
  ) {
    if (settings.deflate) this.inflater = new PakoInflater();
  }

  get held(): HoldUnit | undefined {
    return this.heldUnit;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /** The receiver's window carries over between messages: an edit or drop makes the relay re-compress from then on. */
  get takesOverContext(): boolean {
    return this.settings.deflate && this.settings.senderTakeover;
  }

  /** True once the relay re-compresses this direction's messages itself. */
  get recompressing(): boolean {
    return this.translating;
  }

  push(chunk: Buffer): void {
    let i = 0;
    let run = -1;
    const flush = (end: number): void => {
      if (run >= 0 && end > run) this.sink.forward(chunk.subarray(run, end));
      run = -1;
    };
    let headerStart = this.heads.pending > 0 ? -1 : 0;
    while (i < chunk.length) {
      const frame = this.frame;
      if (!frame) {
        if (this.heads.pending === 0) headerStart = i;
        const head = this.heads.push(chunk[i++]!);
        if (!head) continue;
        const started = this.startFrame(head);
        if (started.collect) {
          flush(headerStart >= 0 ? headerStart : 0);
        } else if (headerStart >= 0) {
          if (run < 0) run = headerStart;
        } else {
          // The header began in an earlier chunk: its bytes are here only as a copy.
          this.sink.forward(Buffer.from(head.raw));
          run = i;
        }
        if (started.remaining === 0) this.endFrame();
        continue;
      }
      const take = Math.min(frame.remaining, chunk.length - i);
      const bytes = chunk.subarray(i, i + take);
      frame.remaining -= take;
      i += take;
      if (frame.collect) {
        const copy = Buffer.from(bytes);
        frame.raw.push(copy);
        frame.payload.push(copy);
      } else {
        if (run < 0) run = i - take;
        if (this.inflatesPassing(frame)) frame.payload.push(Buffer.from(bytes));
      }
      if (frame.remaining === 0) this.endFrame();
    }
    // A header cut by the chunk's end is forwarded (or collected) from its copy once it is complete.
    flush(this.heads.pending > 0 && headerStart >= 0 ? headerStart : chunk.length);
  }

  /** Forwards the held unit as it was received. */
  forward(): void {
    const unit = this.take();
    this.emit(unit);
    this.drain();
  }

  /** Writes `payload` (opcode `opcode`) in place of the held unit; `before` sees the frame before it is written. */
  replace(opcode: number, payload: Buffer, before: (frame: Buffer) => void = () => undefined): void {
    const unit = this.take();
    const frame = this.frameFor(opcode, payload, unit.compressed);
    before(frame);
    this.sink.forward(frame);
    this.drain();
  }

  /** Forgets the held unit. */
  drop(): void {
    const unit = this.take();
    if (unit.compressed && this.settings.senderTakeover) this.startTranslating();
    this.drain();
  }

  private take(): HoldUnit {
    const unit = this.heldUnit;
    if (!unit) throw new Error('no message is held in this direction');
    this.heldUnit = undefined;
    return unit;
  }

  private drain(): void {
    while (!this.heldUnit && this.queue.length > 0) {
      const unit = this.queue.shift()!;
      this.queuedBytes -= unit.rawBytes;
      this.judge(unit);
    }
    this.sink.queued(this.queue.length);
    this.updatePressure();
  }

  private inflatesPassing(frame: Frame): boolean {
    return this.settings.senderTakeover && frame.opcode < 8 && (this.message?.inflate ?? false);
  }

  private startFrame(head: FrameHead): Frame {
    const { opcode, rsv1 } = head;
    let collect: boolean;
    if (opcode >= 8) {
      collect = this.settings.holds(opcode) || (opcode === CLOSE && this.waiting());
    } else {
      if (opcode !== 0 || !this.message) {
        const compressed = rsv1 && this.settings.deflate;
        const holdable = this.settings.holds(opcode === 2 ? 2 : 1);
        // Without a rule for this direction the sender's window is not followed (inflating costs the relay):
        // from the first compressed message that passes so, compressed messages here can no longer be held.
        if (compressed && this.settings.senderTakeover && !holdable && !this.waiting())
          this.contextLost = true;
        const collect =
          this.waiting() ||
          (compressed && this.translating) ||
          (holdable && !(compressed && this.contextLost));
        this.message = {
          opcode,
          compressed,
          collect,
          inflate: compressed && !(this.settings.senderTakeover && this.contextLost),
          raw: [],
          payload: [],
        };
      }
      collect = this.message.collect;
    }
    const raw = collect ? [Buffer.from(head.raw)] : [];
    this.frame = {
      fin: head.fin,
      rsv1,
      opcode,
      mask: head.mask,
      remaining: head.length,
      collect,
      raw,
      payload: [],
    };
    return this.frame;
  }

  private waiting(): boolean {
    return this.heldUnit !== undefined || this.queue.length > 0;
  }

  private endFrame(): void {
    const frame = this.frame!;
    this.frame = undefined;
    const payload = unmaskedPayload(frame.payload, frame.mask);
    if (frame.opcode >= 8) {
      if (!frame.collect) return;
      const rawBytes = frame.raw.reduce((n, b) => n + b.length, 0);
      return this.add({ opcode: frame.opcode, compressed: false, raw: frame.raw, rawBytes, plain: payload });
    }
    const message = this.message;
    if (!message) return;
    message.raw.push(...frame.raw);
    message.payload.push(payload);
    if (!frame.fin) return;
    this.message = undefined;
    const plain = this.plainPayload(message);
    if (!message.collect) return;
    const rawBytes = message.raw.reduce((n, b) => n + b.length, 0);
    this.add({ opcode: message.opcode, compressed: message.compressed, raw: message.raw, rawBytes, plain });
  }

  /** The whole payload, inflated with the sender's context (every compressed message goes through it, in order). */
  private plainPayload(message: Message): Buffer | undefined {
    const payload = message.payload.length === 1 ? message.payload[0]! : Buffer.concat(message.payload);
    if (!message.compressed || !this.inflater) return payload;
    if (!message.inflate || (!message.collect && !this.settings.senderTakeover)) return undefined;
    const inflated = this.inflater.inflate(Buffer.concat([payload, DEFLATE_TAIL]));
    if (!this.settings.senderTakeover) this.inflater.reset();
    return inflated.ok ? Buffer.from(inflated.data) : undefined;
  }

  private add(unit: HoldUnit): void {
    if (!this.waiting()) return this.judge(unit);
    this.queue.push(unit);
    this.queuedBytes += unit.rawBytes;
    this.sink.queued(this.queue.length);
    this.updatePressure();
  }

  private judge(unit: HoldUnit): void {
    // A compressed message whose payload is unknown (the window was not followed) cannot be judged or replaced.
    if (unit.compressed && unit.plain === undefined) return this.emit(unit);
    const rule = this.settings.match({ opcode: unit.opcode, payload: unit.plain ?? new Uint8Array(0) });
    if (rule === undefined) return this.emit(unit);
    this.heldUnit = unit;
    this.sink.held(unit, rule);
  }

  private emit(unit: HoldUnit): void {
    if (this.translating && unit.compressed && unit.plain)
      return this.sink.forward(this.frameFor(unit.opcode, unit.plain, true));
    for (const raw of unit.raw) this.sink.forward(raw);
  }

  /** One final frame of the relay's own: masked toward the server, compressed when `compress` and deflate is on. */
  private frameFor(opcode: number, payload: Buffer, compress: boolean): Buffer {
    if (!compress || !this.settings.deflate || opcode >= 8)
      return buildFrame(opcode, payload, this.settings.masked);
    if (this.settings.senderTakeover) this.startTranslating();
    const deflater = (this.deflater ??= new MessageDeflater(this.settings.windowBits));
    if (!this.settings.senderTakeover) deflater.reset();
    return buildFrame(opcode, deflater.compress(payload), this.settings.masked, true);
  }

  private startTranslating(): void {
    this.translating = true;
  }

  private updatePressure(): void {
    const on = this.queuedBytes >= QUEUE_HIGH_WATER;
    if (on === this.pressing) return;
    this.pressing = on;
    this.sink.pressure(on);
  }
}
