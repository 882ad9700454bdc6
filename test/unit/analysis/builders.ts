/**
 * Builders for capture event sequences shaped like the recorder produces them:
 * connection → tcp connect → http-request → http-response → open → frames … → tcp fin/rst → end.
 */
import type { CaptureEvent, ConnectionMode } from '../../../shared/model/events.js';
import type { FrameRecord } from '../../../shared/model/frame.js';
import type { AcceptCheck, HttpHeader } from '../../../shared/model/handshake.js';
import type { Direction, Leg, Side } from '../../../shared/model/wire.js';

export const STARTED_AT = 1_700_000_000_000;
export const header = { format: 'wsi-session' as const, version: 1, startedAt: STARTED_AT, producer: 'test' };

const h = (pairs: [string, string][]): HttpHeader[] => pairs.map(([name, value]) => ({ name, value }));

export const upgradeRequestHeaders = (extra: [string, string][] = []): HttpHeader[] =>
  h([
    ['Host', 'example.test'],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Sec-WebSocket-Version', '13'],
    ...extra,
  ]);

export const switchingHeaders = (extra: [string, string][] = []): HttpHeader[] =>
  h([
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
    ...extra,
  ]);

export class ConnBuilder {
  readonly events: CaptureEvent[] = [];
  private seq = 0;
  private offsets: Record<Direction, number> = { c2s: 0, s2c: 0 };
  readonly leg: Leg;

  constructor(
    readonly conn: string,
    readonly mode: ConnectionMode = 'client',
    readonly url = 'ws://example.test/socket',
  ) {
    this.leg = mode === 'proxy' ? 'downstream' : 'direct';
  }

  start(t: number): this {
    this.events.push({
      type: 'connection',
      conn: this.conn,
      t,
      mode: this.mode,
      url: this.url,
      at: STARTED_AT + t,
    });
    return this;
  }

  tcpConnect(t: number, leg: Leg = this.leg): this {
    this.events.push({ type: 'tcp', conn: this.conn, t, leg, kind: 'connect', side: 'server' });
    return this;
  }

  request(
    t: number,
    opts: { headers?: HttpHeader[]; httpVersion?: string; leg?: Leg; target?: string } = {},
  ): this {
    const httpVersion = opts.httpVersion ?? '1.1';
    const target = opts.target ?? '/socket';
    const headers = opts.headers ?? upgradeRequestHeaders();
    this.events.push({
      type: 'http-request',
      conn: this.conn,
      t,
      leg: opts.leg ?? this.leg,
      head: { method: 'GET', target, httpVersion, headers, raw: `GET ${target} HTTP/${httpVersion}\r\n\r\n` },
    });
    return this;
  }

  response(
    t: number,
    status: number,
    opts: {
      headers?: HttpHeader[];
      statusText?: string;
      accept?: AcceptCheck;
      leg?: Leg;
      httpVersion?: string;
    } = {},
  ): this {
    const statusText = opts.statusText ?? (status === 101 ? 'Switching Protocols' : 'Error');
    this.events.push({
      type: 'http-response',
      conn: this.conn,
      t,
      leg: opts.leg ?? this.leg,
      head: {
        httpVersion: opts.httpVersion ?? '1.1',
        status,
        statusText,
        headers: opts.headers ?? (status === 101 ? switchingHeaders() : h([['Content-Length', '0']])),
        raw: '',
      },
      accept: opts.accept ?? (status === 101 ? 'ok' : 'not-applicable'),
      timing: { headersCompleteMs: t },
    });
    return this;
  }

  open(t: number, protocol = ''): this {
    this.events.push({ type: 'open', conn: this.conn, t, protocol, extensions: [] });
    return this;
  }

  /** connection + tcp + request + 101 + open, all within `t`..`t+3`. */
  handshake(t = 0, opts: { httpVersion?: string } = {}): this {
    const req = opts.httpVersion ? { httpVersion: opts.httpVersion } : {};
    return this.start(t)
      .tcpConnect(t + 1)
      .request(t + 1, req)
      .response(t + 3, 101)
      .open(t + 3);
  }

  frame(t: number, dir: Direction, opcode: number, opts: Partial<FrameRecord> = {}): this {
    const payloadLength = opts.payloadLength ?? 5;
    const masked = dir === 'c2s';
    const headerLength = opts.headerLength ?? (masked ? 6 : 2);
    const frame: FrameRecord = {
      seq: this.seq++,
      dir,
      offset: this.offsets[dir],
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode,
      masked,
      lengthEncoding: 7,
      headerLength,
      payloadLength,
      data: '',
      truncated: false,
      ...(masked ? { maskKey: '01020304' } : {}),
      ...opts,
    };
    this.offsets[dir] += headerLength + payloadLength;
    this.events.push({ type: 'frame', conn: this.conn, t, frame });
    return this;
  }

  private messageId = 0;

  /** A single-frame data message with its payload: the frame record and the message record, as the recorder makes. */
  message(t: number, dir: Direction, payload: string | Uint8Array): this {
    const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    const opcode = typeof payload === 'string' ? 1 : 2;
    const data = Buffer.from(bytes).toString('base64');
    const id = this.messageId++;
    const seq = this.seq;
    this.frame(t, dir, opcode, { payloadLength: bytes.length, data, messageId: id });
    this.events.push({
      type: 'message',
      conn: this.conn,
      t,
      message: {
        id,
        dir,
        opcode,
        frames: [seq],
        wireSize: bytes.length,
        size: bytes.length,
        compressed: false,
        data,
        truncated: false,
        ...(opcode === 1 ? { utf8Valid: true } : {}),
      },
    });
    return this;
  }

  text(t: number, dir: Direction, payloadLength = 5): this {
    return this.frame(t, dir, 1, { payloadLength });
  }

  ping(t: number, dir: Direction, data = 'aGk='): this {
    return this.frame(t, dir, 9, { data, payloadLength: 2 });
  }

  pong(t: number, dir: Direction, data = 'aGk='): this {
    return this.frame(t, dir, 10, { data, payloadLength: 2 });
  }

  close(t: number, dir: Direction, code?: number, reason?: string): this {
    const close: { code?: number; reason?: string } = {};
    if (code !== undefined) close.code = code;
    if (reason !== undefined) close.reason = reason;
    const payloadLength = code === undefined ? 0 : 2 + (reason?.length ?? 0);
    return this.frame(t, dir, 8, { close, payloadLength });
  }

  violation(t: number, dir: Direction, code: string, closeCode: number, frameSeq?: number): this {
    this.events.push({
      type: 'violation',
      conn: this.conn,
      t,
      violation: {
        code,
        closeCode,
        message: `${code} seen`,
        dir,
        ...(frameSeq !== undefined ? { frameSeq } : {}),
      },
    });
    return this;
  }

  tcp(t: number, kind: 'fin' | 'rst', side: Side, leg: Leg = this.leg): this {
    this.events.push({ type: 'tcp', conn: this.conn, t, leg, kind, side });
    return this;
  }

  error(t: number, code: string, message = code, side?: Side): this {
    this.events.push({ type: 'error', conn: this.conn, t, code, message, ...(side ? { side } : {}) });
    return this;
  }

  dropped(t: number, dir: Direction, frames: number, bytes: number): this {
    this.events.push({ type: 'dropped', conn: this.conn, t, dir, frames, bytes });
    return this;
  }

  end(t: number): this {
    this.events.push({ type: 'end', conn: this.conn, t });
    return this;
  }

  /** Normal closing handshake: `by` sends close, the other answers, server FIN, client FIN, end. */
  cleanClose(t: number, by: Side, code = 1000, reason = ''): this {
    const dir: Direction = by === 'client' ? 'c2s' : 's2c';
    const back: Direction = by === 'client' ? 's2c' : 'c2s';
    return this.close(t, dir, code, reason)
      .close(t + 1, back, code, reason)
      .tcp(t + 2, 'fin', 'server')
      .tcp(t + 2, 'fin', 'client')
      .end(t + 3);
  }
}

export const conn = (id: string, mode: ConnectionMode = 'client', url?: string): ConnBuilder =>
  new ConnBuilder(id, mode, url);

export const ids = (findings: { id: string }[]): string[] => findings.map((f) => f.id);
