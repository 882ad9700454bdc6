import type { CaptureEvent } from '../model/events.js';
import type { FrameRecord, MessageRecord } from '../model/frame.js';
import type { CappedBytes, HttpHeader, HttpRequestHead, HttpResponseHead } from '../model/handshake.js';
import type { RedactionSummary, Session } from '../model/session.js';
import { decodeUtf8 } from '../protocol/utf8.js';
import { fromBase64, toBase64 } from '../util/base64.js';
import type { MaskSpan } from './json-mask.js';
import { fieldMatches, jsonSecretSpans } from './json-mask.js';
import type { RedactionRule } from './rules.js';
import { ruleLabel } from './rules.js';
import type { CompiledRegex } from './text-mask.js';
import { applySpans, maskAll, maskQuery, maskRegexes, regexSpans, RuleCounter } from './text-mask.js';

/** The rules split by what they apply to, each keeping its index in the list (for counting). */
class Redactor {
  readonly counter: RuleCounter;
  private readonly headers = new Map<string, number>();
  private readonly words: { word: string; rule: number }[] = [];
  private readonly fields: { field: string; rule: number }[] = [];
  private readonly regexes: CompiledRegex[] = [];

  constructor(readonly rules: readonly RedactionRule[]) {
    this.counter = new RuleCounter(rules.length);
    rules.forEach((rule, i) => {
      if (rule.kind === 'header') this.headers.set(rule.name.toLowerCase(), i);
      else if (rule.kind === 'query') this.words.push({ word: rule.word, rule: i });
      else if (rule.kind === 'json') this.fields.push({ field: rule.field, rule: i });
      else this.regexes.push({ re: new RegExp(rule.source, 'g'), rule: i });
    });
  }

  /** Free text (URLs, targets, error messages, action details): query values and regex matches. */
  text(value: string, count = true): string {
    const counter = count ? this.counter : undefined;
    return maskRegexes(maskQuery(value, this.words, counter), this.regexes, counter);
  }

  private headerValue(name: string, value: string, count: boolean): string {
    const rule = this.headers.get(name.toLowerCase());
    if (rule !== undefined) {
      if (count && value !== '') this.counter.add(rule);
      return maskAll(value);
    }
    return maskRegexes(value, this.regexes, count ? this.counter : undefined);
  }

  headerList(headers: readonly HttpHeader[]): HttpHeader[] {
    return headers.map(({ name, value }) => ({ name, value: this.headerValue(name, value, true) }));
  }

  /** The raw head line by line: the start line as text, header lines like `headerList` (not counted again). */
  rawHead(raw: string): string {
    if (raw === '') return raw;
    return raw
      .split('\r\n')
      .map((line, i) => {
        if (i === 0) return this.text(line, false);
        const colon = line.indexOf(':');
        if (colon <= 0) return line;
        const rest = line.slice(colon + 1);
        const lead = rest.length - rest.trimStart().length;
        const tail = rest.length - rest.trimEnd().length;
        const value = rest.slice(lead, rest.length - tail);
        return `${line.slice(0, colon + 1)}${rest.slice(0, lead)}${this.headerValue(line.slice(0, colon), value, false)}${rest.slice(rest.length - tail)}`;
      })
      .join('\r\n');
  }

  /** Spans to mask in a text payload: secret JSON fields' values and regex matches; counts when asked to. */
  payloadSpans(bytes: Uint8Array, count: boolean): MaskSpan[] {
    const json =
      this.fields.length > 0
        ? jsonSecretSpans(
            bytes,
            (path) => this.fields.find(({ field }) => fieldMatches(field, path))?.rule ?? -1,
          )
        : { spans: [], matches: [] };
    const regex = regexSpans(bytes, this.regexes);
    if (count) {
      for (const rule of json.matches) this.counter.add(rule);
      for (const span of regex) this.counter.add(span.rule);
    }
    return [...json.spans, ...regex];
  }

  summary(): RedactionSummary {
    return {
      rules: this.rules.map((rule, i) => ({ rule: ruleLabel(rule), replaced: this.counter.counts[i] ?? 0 })),
    };
  }
}

/** A message's masks, for its frames: byte spans within the (decoded) message payload. */
interface MessageMasks {
  spans: MaskSpan[];
  /** Compressed frames cannot be masked in place: their payload is blanked when the message had secrets or was cut. */
  blankCompressed: boolean;
}

const key = (conn: string, id: number): string => `${conn}\u0000${id}`;

function redactMessage(
  message: MessageRecord,
  redactor: Redactor,
): { message: MessageRecord; masks: MessageMasks } {
  const bytes = fromBase64(message.data) ?? new Uint8Array(0);
  const spans = message.opcode === 1 ? redactor.payloadSpans(bytes, true) : [];
  const blankCompressed = message.compressed && (spans.length > 0 || message.truncated);
  const { ref: _ref, ...rest } = message;
  if (spans.length === 0) return { message: rest, masks: { spans, blankCompressed } };
  return {
    message: { ...rest, data: toBase64(applySpans(bytes, spans)), redacted: true },
    masks: { spans, blankCompressed },
  };
}

function redactFrame(
  frame: FrameRecord,
  masks: MessageMasks | undefined,
  offsetInMessage: number | undefined,
  redactor: Redactor,
): FrameRecord {
  const { ref: _ref, ...rest } = frame;
  const bytes = fromBase64(frame.data) ?? new Uint8Array(0);
  if (bytes.length === 0) return rest;
  if (frame.opcode >= 8) {
    // Control frames: a close reason or ping text can hold a secret too (regex rules); the close code stays.
    const skip = frame.opcode === 8 ? 2 : 0;
    const spans = redactor
      .payloadSpans(bytes.subarray(skip), true)
      .map((s) => ({ ...s, start: s.start + skip, end: s.end + skip }));
    if (spans.length === 0) return rest;
    const masked = applySpans(bytes, spans);
    const close =
      frame.close?.reason !== undefined
        ? { close: { ...frame.close, reason: decodeUtf8(masked.subarray(2)) } }
        : {};
    return { ...rest, data: toBase64(masked), redacted: true, ...close };
  }
  if (frame.rsv1) {
    // Deflated bytes: masking inside is impossible, and they inflate back to the secret.
    if (masks?.blankCompressed !== false)
      return { ...rest, data: toBase64(new Uint8Array(bytes.length)), redacted: true };
    return rest;
  }
  const spans: MaskSpan[] = [];
  if (masks && offsetInMessage !== undefined)
    for (const s of masks.spans)
      spans.push({ ...s, start: s.start - offsetInMessage, end: s.end - offsetInMessage });
  // The frame on its own too: bytes past the message's preview, or a frame whose message was not recorded.
  if (frame.opcode !== 2) spans.push(...redactor.payloadSpans(bytes, masks === undefined));
  const inside = spans.filter((s) => s.end > 0 && s.start < bytes.length);
  if (inside.length === 0) return rest;
  return { ...rest, data: toBase64(applySpans(bytes, inside)), redacted: true };
}

function redactBody(body: CappedBytes, redactor: Redactor): CappedBytes {
  const bytes = fromBase64(body.base64) ?? new Uint8Array(0);
  const spans = redactor.payloadSpans(bytes, true);
  return spans.length === 0 ? body : { ...body, base64: toBase64(applySpans(bytes, spans)) };
}

const requestHead = (head: HttpRequestHead, r: Redactor): HttpRequestHead => ({
  ...head,
  target: r.text(head.target),
  headers: r.headerList(head.headers),
  raw: r.rawHead(head.raw),
});

const responseHead = (head: HttpResponseHead, r: Redactor): HttpResponseHead => ({
  ...head,
  headers: r.headerList(head.headers),
  raw: r.rawHead(head.raw),
});

function redactEvent(
  event: CaptureEvent,
  r: Redactor,
  messages: Map<string, { record: MessageRecord; masks: MessageMasks; offsets: Map<number, number> }>,
): CaptureEvent {
  switch (event.type) {
    case 'connection': {
      const heartbeat = event.options?.heartbeat;
      return {
        ...event,
        url: r.text(event.url),
        ...(event.target !== undefined ? { target: r.text(event.target) } : {}),
        ...(heartbeat?.message !== undefined && event.options
          ? { options: { ...event.options, heartbeat: { ...heartbeat, message: r.text(heartbeat.message) } } }
          : {}),
      };
    }
    case 'http-request':
      return { ...event, head: requestHead(event.head, r) };
    case 'http-response':
      return {
        ...event,
        head: responseHead(event.head, r),
        ...(event.body ? { body: redactBody(event.body, r) } : {}),
      };
    case 'message': {
      const found = messages.get(key(event.conn, event.message.id));
      return found ? { ...event, message: found.record } : event;
    }
    case 'frame': {
      const id = event.frame.messageId;
      const found = id !== undefined ? messages.get(key(event.conn, id)) : undefined;
      const frame = redactFrame(event.frame, found?.masks, found?.offsets.get(event.frame.seq), r);
      return { ...event, frame };
    }
    case 'error':
      return { ...event, message: r.text(event.message) };
    case 'action':
      return event.detail !== undefined ? { ...event, detail: r.text(event.detail) } : event;
    default:
      return event;
  }
}

/**
 * The session with every secret the rules name replaced by a mask of the same length: header values, query values in
 * URLs and request targets (and the raw heads), JSON field values and regex matches in text payloads (messages and
 * their frames, response bodies). Sizes, offsets and frame structure stay, so the analysis of the redacted session is
 * the analysis of the original; redacted records are marked `redacted: true`, the header lists the rules and counts.
 * Live-session payload references (`ref`) are dropped.
 */
export function redactSession(session: Session, rules: readonly RedactionRule[]): Session {
  const redactor = new Redactor(rules);
  const frameLengths = new Map<string, number>();
  for (const e of session.events)
    if (e.type === 'frame') frameLengths.set(`${e.conn}\u0000${e.frame.seq}`, e.frame.payloadLength);

  const messages = new Map<
    string,
    { record: MessageRecord; masks: MessageMasks; offsets: Map<number, number> }
  >();
  for (const e of session.events) {
    if (e.type !== 'message') continue;
    const { message, masks } = redactMessage(e.message, redactor);
    // Each frame's offset in the message payload (uncompressed messages: frames carry the payload in order).
    const offsets = new Map<number, number>();
    let at = 0;
    for (const seq of e.message.frames) {
      offsets.set(seq, at);
      at += frameLengths.get(`${e.conn}\u0000${seq}`) ?? 0;
    }
    messages.set(key(e.conn, e.message.id), { record: message, masks, offsets });
  }

  const events = session.events.map((e) => redactEvent(e, redactor, messages));
  return { header: { ...session.header, redaction: redactor.summary() }, events };
}

/** Records held while waiting for a message record (its frames come first) before too many pile up. */
const MAX_HELD = 65_536;

/**
 * `redactSession` record by record, for a session read as a stream: the same records come out, in the same order.
 * A data frame's masks come from its message, which is recorded after the frame: records are held from such a frame
 * until its message arrives (one message's worth, normally a line or two); past MAX_HELD records the frame is masked on
 * its own, as when its message was not recorded. `summary()` counts what was replaced so far.
 */
export class RedactStream {
  private readonly redactor: Redactor;
  private held: CaptureEvent[] = [];
  private readonly frameLengths = new Map<string, number>();
  private readonly messages = new Map<
    string,
    { record: MessageRecord; masks: MessageMasks; offsets: Map<number, number> }
  >();

  constructor(rules: readonly RedactionRule[]) {
    this.redactor = new Redactor(rules);
  }

  push(event: CaptureEvent): CaptureEvent[] {
    const waits = event.type === 'frame' && event.frame.messageId !== undefined && event.frame.opcode < 8;
    if (this.held.length === 0 && !waits) return [redactEvent(event, this.redactor, this.messages)];
    this.held.push(event);
    if (event.type === 'frame')
      this.frameLengths.set(key(event.conn, event.frame.seq), event.frame.payloadLength);
    if (event.type === 'message') this.learn(event.conn, event.message);
    return this.flush(this.held.length > MAX_HELD);
  }

  end(): CaptureEvent[] {
    return this.flush(true);
  }

  summary(): RedactionSummary {
    return this.redactor.summary();
  }

  private learn(conn: string, original: MessageRecord): void {
    const { message, masks } = redactMessage(original, this.redactor);
    const offsets = new Map<number, number>();
    let at = 0;
    for (const seq of original.frames) {
      offsets.set(seq, at);
      at += this.frameLengths.get(key(conn, seq)) ?? 0;
    }
    this.messages.set(key(conn, original.id), { record: message, masks, offsets });
  }

  /** Redacts held records up to the first frame still waiting for its message (all of them when `force`). */
  private flush(force: boolean): CaptureEvent[] {
    const out: CaptureEvent[] = [];
    let i = 0;
    for (; i < this.held.length; i++) {
      const event = this.held[i]!;
      if (event.type === 'frame' && event.frame.messageId !== undefined && event.frame.opcode < 8) {
        const known = this.messages.has(key(event.conn, event.frame.messageId));
        if (!known && !force) break;
        this.frameLengths.delete(key(event.conn, event.frame.seq));
      }
      out.push(redactEvent(event, this.redactor, this.messages));
      if (event.type === 'message') this.messages.delete(key(event.conn, event.message.id));
    }
    this.held = i === this.held.length ? [] : this.held.slice(i);
    return out;
  }
}
