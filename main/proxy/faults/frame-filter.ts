import { PakoInflater } from '../../../shared/protocol/pako-inflater.js';
import type { CompiledRule } from '../../../shared/protocol/message-rule.js';
import { FrameHeadReader, unmaskedPayload } from '../frame-head.js';
import type { FrameHead } from '../frame-head.js';

const DEFLATE_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const PONG = 0xa;

export interface DropRule {
  matches: CompiledRule;
  /** How the rule is worded in the fault record. */
  text: string;
  /** The opcode the rule names, when it names one (control frames are only held for rules that name them). */
  opcode?: number;
}

export interface FrameFilterSettings {
  suppressPongs: boolean;
  dropRules: DropRule[];
  /** permessage-deflate was negotiated: rules look at inflated payloads. */
  deflate: boolean;
}

/** Where the filter's decisions go, in stream order. */
export interface FrameFilterSink {
  forward(bytes: Buffer): void;
  /** The final frame of a data message was forwarded. */
  messageForwarded(): void;
  pongSuppressed(bytes: number): void;
  messageDropped(rule: string, opcode: number, bytes: number): void;
}

interface Frame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: Buffer | undefined;
  remaining: number;
  action: 'pass' | 'swallow' | 'hold';
  /** Raw bytes (header and payload) of a held frame. */
  raw: Buffer[];
  payload: Buffer[];
}

interface HeldMessage {
  opcode: number;
  compressed: boolean;
  raw: Buffer[];
  payload: Buffer[];
}

/**
 * One direction's frames, for the faults that act on whole frames and messages: swallows pong frames, drops messages
 * a rule matches (holding each data message until its final frame, so a fragmented message is judged whole), and
 * reports every data message forwarded. Frames it does not hold are forwarded as their bytes arrive; bytes are never
 * changed. Used only on connections with such a fault.
 */
export class FrameFilter {
  private readonly heads = new FrameHeadReader();
  private frame: Frame | undefined;
  private message: HeldMessage | undefined;
  private inflater: PakoInflater | undefined;
  private holdsData = false;
  private heldControl = new Set<number>();

  constructor(
    private readonly settings: FrameFilterSettings,
    private readonly sink: FrameFilterSink,
  ) {
    this.settingsChanged();
  }

  /** From the next frame on, also swallow pongs. */
  suppressPongs(): void {
    this.settings.suppressPongs = true;
  }

  /** From the next frame on, also drop what `rule` matches. */
  addRule(rule: DropRule): void {
    this.settings.dropRules.push(rule);
    this.settingsChanged();
  }

  private settingsChanged(): void {
    const rules = this.settings.dropRules;
    this.holdsData = rules.some((r) => r.opcode === undefined || r.opcode < 8);
    this.heldControl = new Set(
      rules.flatMap((r) => (r.opcode !== undefined && r.opcode >= 8 ? [r.opcode] : [])),
    );
    if (this.settings.deflate && this.holdsData) this.inflater ??= new PakoInflater();
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (!this.frame) {
        const head = this.heads.push(chunk[i++]!);
        if (head) this.startFrame(head);
        continue;
      }
      const take = Math.min(this.frame.remaining, chunk.length - i);
      this.payloadBytes(chunk.subarray(i, i + take));
      i += take;
      if (this.frame.remaining === 0) this.endFrame();
    }
  }

  private startFrame(head: FrameHead): void {
    const { opcode, length } = head;
    const bytes = Buffer.from(head.raw);
    const control = opcode >= 8;
    let action: Frame['action'] = 'pass';
    if (control && opcode === PONG && this.settings.suppressPongs) action = 'swallow';
    else if (control ? this.heldControl.has(opcode) : this.holdsData) action = 'hold';
    this.frame = {
      fin: head.fin,
      rsv1: head.rsv1,
      opcode,
      mask: head.mask,
      remaining: length,
      action,
      raw: action === 'hold' ? [bytes] : [],
      payload: [],
    };
    if (action === 'pass') this.sink.forward(bytes);
    else if (action === 'swallow') this.frame.raw.push(bytes);
    if (length === 0) this.endFrame();
  }

  private payloadBytes(bytes: Buffer): void {
    const frame = this.frame!;
    frame.remaining -= bytes.length;
    if (frame.action === 'pass') return this.sink.forward(bytes);
    const copy = Buffer.from(bytes);
    frame.raw.push(copy);
    if (frame.action === 'hold') frame.payload.push(copy);
  }

  private endFrame(): void {
    const frame = this.frame!;
    this.frame = undefined;
    if (frame.action === 'swallow') {
      this.sink.pongSuppressed(frame.raw.reduce((n, b) => n + b.length, 0));
      return;
    }
    const isData = frame.opcode < 8;
    if (frame.action === 'pass') {
      if (isData && frame.fin) this.sink.messageForwarded();
      return;
    }
    const payload = unmaskedPayload(frame.payload, frame.mask);
    if (!isData)
      return this.judge({ opcode: frame.opcode, compressed: false, raw: frame.raw, payload: [payload] });
    if (!this.message || frame.opcode !== 0)
      this.message = { opcode: frame.opcode, compressed: frame.rsv1, raw: [], payload: [] };
    this.message.raw.push(...frame.raw);
    this.message.payload.push(payload);
    if (!frame.fin) return;
    const message = this.message;
    this.message = undefined;
    this.judge(message);
  }

  private judge(message: HeldMessage): void {
    const payload = this.plainPayload(message);
    const bytes = message.raw.reduce((n, b) => n + b.length, 0);
    const subject = { opcode: message.opcode, payload };
    const rule = this.settings.dropRules.find((r) => r.matches(subject));
    if (rule) return this.sink.messageDropped(rule.text, message.opcode, bytes);
    for (const raw of message.raw) this.sink.forward(raw);
    if (message.opcode < 8) this.sink.messageForwarded();
  }

  private plainPayload(message: HeldMessage): Buffer {
    const payload = Buffer.concat(message.payload);
    if (!message.compressed || !this.inflater) return payload;
    const inflated = this.inflater.inflate(Buffer.concat([payload, DEFLATE_TAIL]));
    return inflated.ok ? Buffer.from(inflated.data) : payload;
  }
}
