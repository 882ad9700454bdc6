import type { InjectedFault } from '../../shared/model/fault.js';
import type {
  ActionEvent,
  CaptureEvent,
  ConnectionEvent,
  ConnectionId,
  ConnectionMode,
} from '../../shared/model/events.js';
import type {
  AcceptCheck,
  CappedBytes,
  HandshakeTiming,
  HttpRequestHead,
  HttpResponseHead,
  NegotiatedExtension,
  TlsSummary,
} from '../../shared/model/handshake.js';
import { SLIM_PREVIEW_BYTES } from '../../shared/model/frame.js';
import type { Direction, Leg, Side } from '../../shared/model/wire.js';
import type { FrameParserApi, ParserViolation } from '../../shared/protocol/types.js';
import type { SessionClock } from '../core/clock.js';
import { checkAccept } from './accept-check.js';
import type { PayloadSink } from './payload-store.js';
import type { HeadReader, MessageAssemblerStage, ProtocolStages } from './protocol-stages.js';
import { PreviewRate } from './preview-rate.js';
import { toBase64, toFrameRecord, toViolationRecord } from './record-convert.js';
import { ResponseBodyCollector } from './response-body.js';

export interface ConnectionIdentity {
  mode: ConnectionMode;
  url: string;
  peer?: string;
  target?: string;
  options?: ConnectionEvent['options'];
  /** A reconnect's link to the connection it replaces. */
  link?: Pick<ConnectionEvent, 'reconnectOf' | 'attempt' | 'reconnectDelayMs'>;
}

export interface ConnectionRecorderOptions extends ConnectionIdentity {
  conn: ConnectionId;
  clock: SessionClock;
  emit: (event: CaptureEvent) => void;
  stages: ProtocolStages;
  /** The leg whose bytes `onBytes` receives. Default 'direct'. */
  leg?: Leg;
  /** Payload bytes kept per frame / message in the record (the preview). */
  maxCapturedPayload?: number;
  /** Where full payloads longer than the preview go; records then carry a `ref` to them. */
  payloads?: PayloadSink;
  /** Bytes of a non-101 response body kept. */
  maxBodyBytes?: number;
  /** Preview bytes per second of data frames above which previews are cut (see PreviewRate). 0 or absent: never. */
  previewRateLimit?: number;
  /**
   * The session writes every record to its file as it is made: a recorder of this connection running elsewhere (the
   * capture worker) sends each record's session-file line along, so the relay thread does not serialize them.
   */
  serializedLines?: boolean;
}

type TimingPhase = keyof HandshakeTiming;

/** Where one direction's byte stream is: reading the HTTP head, waiting for the upgrade, framed, or opaque. */
type Phase = 'head' | 'await-upgrade' | 'frames' | 'body' | 'opaque';

interface DirectionState {
  dir: Direction;
  phase: Phase;
  head: HeadReader;
  parser?: FrameParserApi;
  assembler?: MessageAssemblerStage;
  /** Bytes that arrived after the request head, before the response decided what they are. */
  held: Uint8Array[];
  /** Id of the data message whose frames are arriving (fragmented), if any. */
  openMessageId?: number;
  /** Whether the parser was last told to keep only slim previews (see syncCapture). */
  parserSlim?: boolean;
}

const DATA_START_OPCODES = new Set([1, 2]);

const slimPreview = (payload: Uint8Array): Uint8Array =>
  payload.length > SLIM_PREVIEW_BYTES ? payload.subarray(0, SLIM_PREVIEW_BYTES) : payload;

/**
 * The bytes-to-records pipeline of ONE connection. Feed it the raw bytes of each direction (HTTP head first, then
 * frames) with `onBytes`; it emits http-request/http-response/open/frame/message/violation records. The connection's
 * owner adds tcp/error/action facts and calls `end()` once both TCP sides are gone. Never throws from `onBytes`.
 */
export class ConnectionRecorder {
  readonly conn: ConnectionId;
  readonly t0: number;
  private readonly clock: SessionClock;
  private readonly emitEvent: (event: CaptureEvent) => void;
  private readonly stages: ProtocolStages;
  private readonly leg: Leg;
  private readonly maxCapturedPayload: number;
  private readonly payloads: PayloadSink | undefined;
  private readonly maxBodyBytes: number;
  private readonly previewRateLimit: number;
  private readonly serializedLines: boolean;
  private readonly previewRate: PreviewRate;
  private readonly c2s: DirectionState;
  private readonly s2c: DirectionState;
  private readonly timing: HandshakeTiming = {};
  private tls: TlsSummary | undefined;
  private request: HttpRequestHead | undefined;
  private pendingResponse: { head: HttpResponseHead; body: ResponseBodyCollector; leg: Leg } | undefined;
  private nextSeq = 1;
  private nextMessageId = 1;
  private ended = false;
  private opened = false;

  constructor(options: ConnectionRecorderOptions) {
    this.conn = options.conn;
    this.clock = options.clock;
    this.emitEvent = options.emit;
    this.stages = options.stages;
    this.leg = options.leg ?? 'direct';
    this.maxCapturedPayload = options.maxCapturedPayload ?? 64 * 1024;
    this.payloads = options.payloads;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
    this.previewRateLimit = options.previewRateLimit ?? 0;
    this.serializedLines = options.serializedLines ?? false;
    this.previewRate = new PreviewRate(this.previewRateLimit);
    this.c2s = { dir: 'c2s', phase: 'head', head: this.stages.headReader('request'), held: [] };
    this.s2c = { dir: 's2c', phase: 'head', head: this.stages.headReader('response'), held: [] };
    this.t0 = this.clock.now();
    const event: ConnectionEvent = {
      type: 'connection',
      conn: this.conn,
      t: this.t0,
      mode: options.mode,
      url: options.url,
      at: this.clock.startedAt + this.t0,
    };
    if (options.peer !== undefined) event.peer = options.peer;
    if (options.target !== undefined) event.target = options.target;
    if (options.options !== undefined) event.options = options.options;
    if (options.link) Object.assign(event, options.link);
    this.emitEvent(event);
  }

  /** The preview limits, payload sink and line option, for a recorder of the same connection running elsewhere. */
  get remoteOptions(): {
    maxCapturedPayload: number;
    previewRateLimit: number;
    payloads?: PayloadSink;
    serializedLines: boolean;
  } {
    return {
      maxCapturedPayload: this.maxCapturedPayload,
      previewRateLimit: this.previewRateLimit,
      ...(this.payloads ? { payloads: this.payloads } : {}),
      serializedLines: this.serializedLines,
    };
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get isOpen(): boolean {
    return this.opened;
  }

  /** Raw bytes of one direction, in order, as they crossed the socket. */
  onBytes(dir: Direction, chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    try {
      if (dir === 's2c' && this.timing.firstByteMs === undefined) this.mark('firstByteMs');
      this.consume(dir === 'c2s' ? this.c2s : this.s2c, chunk);
    } catch (error) {
      this.error('CAPTURE_INTERNAL', `recording failed: ${describe(error)}`);
    }
  }

  /** TLS of this recorder's leg is up: its summary goes into the leg's `http-response` record. */
  tlsEstablished(summary: TlsSummary): void {
    this.tls = summary;
  }

  /** Record a handshake phase as "now" (ms since the connection record). The first mark of a phase wins. */
  mark(phase: TimingPhase): void {
    this.timing[phase] ??= round(this.clock.now() - this.t0);
  }

  /** Record a request head seen on a leg other than the one `onBytes` parses (proxy: as sent upstream). */
  recordRequestHead(head: HttpRequestHead, leg: Leg): void {
    this.push({ type: 'http-request', conn: this.conn, t: this.clock.now(), leg, head });
  }

  /** Record a response head seen on another leg (proxy: as received from upstream, or as sent to the client). */
  recordResponseHead(
    head: HttpResponseHead,
    leg: Leg,
    extra: { accept?: AcceptCheck; timing?: HandshakeTiming; body?: CappedBytes; tls?: TlsSummary } = {},
  ): void {
    this.push({
      type: 'http-response',
      conn: this.conn,
      t: this.clock.now(),
      leg,
      head,
      accept: extra.accept ?? checkAccept(this.request?.headers, head.status, head.headers),
      timing: extra.timing ?? {},
      ...(extra.body ? { body: extra.body } : {}),
      ...(extra.tls ? { tls: extra.tls } : {}),
    });
  }

  tcp(kind: 'connect' | 'fin' | 'rst', side: Side, leg: Leg = this.leg): void {
    this.push({ type: 'tcp', conn: this.conn, t: this.clock.now(), leg, kind, side });
  }

  error(code: string, message: string, side?: Side, leg?: Leg): void {
    this.push({
      type: 'error',
      conn: this.conn,
      t: this.clock.now(),
      code,
      message,
      ...(side ? { side } : {}),
      ...(leg ? { leg } : {}),
    });
  }

  action(action: ActionEvent['action'], detail?: string, fault?: InjectedFault): void {
    this.push({
      type: 'action',
      conn: this.conn,
      t: this.clock.now(),
      action,
      ...(detail ? { detail } : {}),
      ...(fault ? { fault } : {}),
    });
  }

  /**
   * The caller relayed whole frames without feeding them here (it fell behind): say so with a `dropped` record. The
   * parser simply continues with the next bytes it is given, which must start at a frame boundary; offsets of later
   * frames count only the bytes that were recorded.
   */
  dropped(dir: Direction, frames: number, bytes: number): void {
    this.push({ type: 'dropped', conn: this.conn, t: this.clock.now(), dir, frames, bytes });
  }

  /** Both TCP sides are gone: flush what is pending and emit the connection's last record. Idempotent. */
  end(): void {
    if (this.ended) return;
    try {
      this.emitPendingResponse();
      for (const state of [this.c2s, this.s2c]) {
        const pending = state.parser?.pending ?? 0;
        if (pending > 0) {
          this.push({
            type: 'violation',
            conn: this.conn,
            t: this.clock.now(),
            violation: {
              code: 'TRUNCATED_FRAME',
              closeCode: 1006,
              message: `the connection ended inside a frame: ${pending} bytes of an incomplete frame were never completed`,
              dir: state.dir,
              offset: state.parser?.offset ?? 0,
            },
          });
        }
      }
    } catch (error) {
      this.error('CAPTURE_INTERNAL', `recording failed at end: ${describe(error)}`);
    }
    this.push({ type: 'end', conn: this.conn, t: this.clock.now() });
    this.ended = true;
  }

  /** Append a record built elsewhere (the proxy's capture worker parses the bytes in another thread). */
  append(event: CaptureEvent): void {
    this.push(event);
    if (event.type === 'end') this.ended = true;
  }

  private push(event: CaptureEvent): void {
    if (this.ended) return;
    this.emitEvent(event);
  }

  private consume(state: DirectionState, chunk: Uint8Array): void {
    switch (state.phase) {
      case 'head':
        return this.consumeHead(state, chunk);
      case 'await-upgrade':
        state.held.push(chunk);
        return;
      case 'frames':
        return this.consumeFrames(state, chunk);
      case 'body':
        return this.consumeBody(chunk);
      case 'opaque':
        return;
    }
  }

  private consumeHead(state: DirectionState, chunk: Uint8Array): void {
    const result = state.head.accept(chunk);
    if (result.state === 'pending') return;
    if (result.state === 'error') {
      state.phase = 'opaque';
      this.error(
        'HTTP_PARSE_ERROR',
        `${state.dir === 'c2s' ? 'request' : 'response'} head: ${result.message}`,
      );
      return;
    }
    if (state.dir === 'c2s') {
      this.onRequestHead(result.head as HttpRequestHead);
    } else {
      this.onResponseHead(result.head as HttpResponseHead);
    }
    if (result.rest.length > 0) this.consume(state, result.rest);
  }

  private onRequestHead(head: HttpRequestHead): void {
    this.request = head;
    this.mark('requestSentMs');
    this.c2s.phase = this.s2c.phase === 'frames' ? 'frames' : 'await-upgrade';
    this.push({ type: 'http-request', conn: this.conn, t: this.clock.now(), leg: this.leg, head });
  }

  private onResponseHead(head: HttpResponseHead): void {
    this.mark('headersCompleteMs');
    if (head.status !== 101) {
      this.s2c.phase = 'body';
      this.c2s.phase = 'opaque';
      this.c2s.held = [];
      this.pendingResponse = {
        head,
        body: new ResponseBodyCollector(head.headers, this.maxBodyBytes),
        leg: this.leg,
      };
      return;
    }
    this.push({
      type: 'http-response',
      conn: this.conn,
      t: this.clock.now(),
      leg: this.leg,
      head,
      accept: checkAccept(this.request?.headers, head.status, head.headers),
      timing: { ...this.timing },
      ...(this.tls ? { tls: this.tls } : {}),
    });
    const { protocol, extensions } = this.stages.negotiated(head.headers);
    this.opened = true;
    this.push({ type: 'open', conn: this.conn, t: this.clock.now(), protocol, extensions });
    this.startFrames(this.s2c, extensions);
    this.startFrames(this.c2s, extensions);
    const held = this.c2s.held;
    this.c2s.held = [];
    if (this.c2s.phase === 'head') return; // the request head itself has not been seen (e.g. a proxy leg)
    this.c2s.phase = 'frames';
    for (const chunk of held) this.consumeFrames(this.c2s, chunk);
  }

  private startFrames(state: DirectionState, extensions: NegotiatedExtension[]): void {
    state.parser = this.stages.frameParser({
      direction: state.dir,
      extensions,
      maxCapturedPayload: this.maxCapturedPayload,
      ...(this.payloads ? { keepWholePayload: this.payloads.maxPayload } : {}),
    });
    const inflater = this.stages.inflater(state.dir, extensions);
    state.assembler = this.stages.messageAssembler({
      direction: state.dir,
      extensions,
      maxCapturedPayload: this.maxCapturedPayload,
      ...(this.payloads ? { keepWholeMessage: this.payloads.maxPayload } : {}),
      ...(inflater ? { inflater } : {}),
    });
    if (state.dir === 's2c') state.phase = 'frames';
  }

  private consumeBody(chunk: Uint8Array): void {
    const pending = this.pendingResponse;
    if (!pending) return;
    pending.body.accept(chunk);
    if (pending.body.complete) this.emitPendingResponse();
  }

  private emitPendingResponse(): void {
    const pending = this.pendingResponse;
    if (!pending) return;
    this.pendingResponse = undefined;
    this.s2c.phase = 'opaque';
    this.push({
      type: 'http-response',
      conn: this.conn,
      t: this.clock.now(),
      leg: pending.leg,
      head: pending.head,
      body: pending.body.result(),
      accept: 'not-applicable',
      timing: { ...this.timing },
      ...(this.tls ? { tls: this.tls } : {}),
    });
  }

  private consumeFrames(state: DirectionState, chunk: Uint8Array): void {
    const parser = state.parser;
    const assembler = state.assembler;
    if (!parser || !assembler) return;
    this.syncCapture(state, parser);
    const { frames, violations } = parser.accept(chunk);
    const t = this.clock.now();
    const seqs = frames.map(() => this.nextSeq++);
    const frameViolations = new Map<number, ParserViolation[]>();
    const streamViolations: ParserViolation[] = [];
    for (const violation of violations) {
      if (violation.frameIndex === undefined) streamViolations.push(violation);
      else {
        const list = frameViolations.get(violation.frameIndex);
        if (list) list.push(violation);
        else frameViolations.set(violation.frameIndex, [violation]);
      }
    }

    frames.forEach((frame, index) => {
      const seq = seqs[index] ?? 0;
      const messageId = this.messageIdFor(state, frame.opcode, frame.fin);
      const assembled = assembler.accept(frame, seq);
      const own = frameViolations.get(index) ?? [];
      const codes = [...frame.violations];
      for (const v of assembled.violations) if (!codes.includes(v.code)) codes.push(v.code);

      const slim = frame.opcode < 8 && this.previewRate.note(t, frame.payload.length);
      const preview = slim ? slimPreview(frame.payload) : frame.payload;
      const data = toBase64(preview);
      const record = toFrameRecord(frame, seq, state.dir, messageId, codes, data);
      if (preview !== frame.payload) record.truncated = true;
      const frameRef = frame.truncated && !slim ? this.keepPayload(`f${seq}`, frame.wholePayload) : undefined;
      if (frameRef) record.ref = frameRef;
      this.push({ type: 'frame', conn: this.conn, t, frame: record });
      for (const v of [...own, ...assembled.violations]) {
        this.push({ type: 'violation', conn: this.conn, t, violation: toViolationRecord(v, state.dir, seq) });
      }
      const message = assembled.message;
      if (message) {
        const id = messageId ?? this.nextMessageId++;
        const messagePreview = slim ? slimPreview(message.data) : message.data;
        const ref =
          !message.truncated || slim
            ? undefined
            : frameRef && message.wholeData === frame.wholePayload
              ? frameRef
              : this.keepPayload(`m${id}`, message.wholeData);
        this.push({
          type: 'message',
          conn: this.conn,
          t,
          message: {
            id,
            dir: state.dir,
            opcode: message.opcode,
            frames: message.frameIndices,
            wireSize: message.wireSize,
            size: message.size,
            compressed: message.compressed,
            // A one-frame message is usually a view of the frame's payload: encode it once.
            data: message.data === frame.payload ? data : toBase64(messagePreview),
            truncated: message.truncated || messagePreview !== message.data,
            ...(ref ? { ref } : {}),
            ...(message.utf8Valid !== undefined ? { utf8Valid: message.utf8Valid } : {}),
          },
        });
      }
    });
    for (const v of streamViolations) {
      this.push({ type: 'violation', conn: this.conn, t, violation: toViolationRecord(v, state.dir) });
    }
  }

  /**
   * While previews are cut, the parser keeps only what a slim preview needs (no full payload for the store), so a
   * firehose costs little more than framing. Frames already under way keep what they started with; the record
   * cuts their preview anyway.
   */
  private syncCapture(state: DirectionState, parser: FrameParserApi): void {
    const slim = this.previewRate.cuttingAt(this.clock.now());
    if (state.parserSlim === slim || !parser.limitCapture) return;
    state.parserSlim = slim;
    if (slim) parser.limitCapture(SLIM_PREVIEW_BYTES, 0);
    else parser.limitCapture(this.maxCapturedPayload, this.payloads?.maxPayload ?? 0);
  }

  private keepPayload(ref: string, bytes: Uint8Array | undefined): string | undefined {
    if (!bytes || !this.payloads) return undefined;
    return this.payloads.keep(this.conn, ref, bytes) ? ref : undefined;
  }

  /** Message ids are given when a data message's first frame is seen, so every frame can name its message. */
  private messageIdFor(state: DirectionState, opcode: number, fin: boolean): number | undefined {
    let id: number | undefined;
    if (DATA_START_OPCODES.has(opcode)) {
      id = this.nextMessageId++;
      state.openMessageId = fin ? undefined : id;
    } else if (opcode === 0) {
      id = state.openMessageId;
      if (fin) state.openMessageId = undefined;
    }
    return id;
  }
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
