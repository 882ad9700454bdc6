import type {
  CaptureEvent,
  ConnectionEvent,
  ErrorEvent,
  FrameEvent,
  HttpRequestEvent,
  HttpResponseEvent,
  MessageEvent,
} from '../model/events.js';
import type { FrameRecord, LengthEncoding } from '../model/frame.js';
import type { HandshakeTiming, HttpHeader } from '../model/handshake.js';
import type { Session, SessionImport, SessionReadProblem, UnknownFact } from '../model/session.js';
import { SESSION_FORMAT, SESSION_VERSION } from '../model/session.js';
import type { Direction } from '../model/wire.js';
import { parseExtensions } from '../protocol/header-values.js';
import { decodeUtf8, encodeUtf8 } from '../protocol/utf8.js';
import { parseUrlParts } from '../export/url-parts.js';
import { fromBase64, toBase64 } from '../util/base64.js';
import type { Json } from './har-json.js';
import { arr, isObject, nameValues, num, obj, parseJsonText, str } from './har-json.js';

/** What reading a HAR gave: the session (with `header.imported`), each problem, and the entries skipped. */
export interface HarImportResult {
  session: Session;
  /** `line` is 0: a HAR is one JSON document; the message names the entry and message. */
  problems: SessionReadProblem[];
  skippedEntries: number;
}

/** A HAR document: a JSON object whose first key is "log" (how Chrome, Firefox, HTTP Toolkit and wsi write it). */
export const looksLikeHar = (text: string): boolean => /^\uFEFF?\s*\{\s*"log"\s*:/.test(text.slice(0, 256));

interface EntryContext {
  where: string;
  problem: (message: string) => void;
  origin: number;
}

const direction = (type: string): Direction | undefined =>
  type === 'send' ? 'c2s' : type === 'receive' ? 's2c' : undefined;

const headerValue = (headers: readonly HttpHeader[], name: string): string | undefined =>
  headers.find((h) => h.name.toLowerCase() === name)?.value;

/** HAR timings (durations, -1 = did not happen) back to cumulative ms since the attempt started. */
function handshakeTiming(timings: Json): HandshakeTiming {
  const phase = (name: string): number | undefined => {
    const v = num(timings[name]);
    return v !== undefined && v >= 0 ? v : undefined;
  };
  const out: HandshakeTiming = {};
  let at = Math.max(0, phase('blocked') ?? 0);
  const dns = phase('dns');
  if (dns !== undefined) out.dnsMs = at += dns;
  const connect = phase('connect');
  const ssl = phase('ssl');
  if (connect !== undefined) {
    // HAR 1.2: connect includes ssl.
    if (ssl !== undefined) out.tcpConnectMs = at + Math.max(0, connect - ssl);
    at += connect;
    if (ssl !== undefined) out.tlsMs = at;
    else out.tcpConnectMs = at;
  }
  const send = phase('send');
  if (send !== undefined) out.requestSentMs = at += send;
  const wait = phase('wait');
  if (wait !== undefined) out.firstByteMs = at += wait;
  const receive = phase('receive');
  if (receive !== undefined) out.headersCompleteMs = at += receive;
  return out;
}

const httpVersion = (v: unknown): string => (str(v) ?? '').replace(/^HTTP\//i, '');

function isWebSocketEntry(entry: Json): boolean {
  if (entry._resourceType === 'websocket' || Array.isArray(entry._webSocketMessages)) return true;
  const request = obj(entry.request);
  if (/^wss?:/i.test(str(request.url) ?? '')) return true;
  const upgrade = headerValue(nameValues(request.headers).pairs, 'upgrade');
  return upgrade?.toLowerCase() === 'websocket' || num(obj(entry.response).status) === 101;
}

const lengthEncoding = (v: unknown, payloadLength: number): LengthEncoding =>
  v === 7 || v === 16 || v === 64 ? v : payloadLength < 126 ? 7 : payloadLength < 65536 ? 16 : 64;

/** wsi's own `_webSocketFrames`: header bits and lengths of every frame; payloads of control frames only. */
function importFrames(raw: unknown[], conn: string, ctx: EntryContext): FrameEvent[] {
  const offsets: Record<Direction, number> = { c2s: 0, s2c: 0 };
  const out: FrameEvent[] = [];
  raw.forEach((item, i) => {
    const f = obj(item);
    const dir = direction(str(f.type) ?? '');
    const time = num(f.time);
    const opcode = num(f.opcode);
    const payloadLength = num(f.payloadLength);
    if (!dir || time === undefined || opcode === undefined || payloadLength === undefined) {
      ctx.problem(`frame ${i + 1}: needs type send|receive, time, opcode and payloadLength; skipped`);
      return;
    }
    const masked = f.mask === true;
    const encoding = lengthEncoding(f.lengthEncoding, payloadLength);
    const headerLength = 2 + (encoding === 16 ? 2 : encoding === 64 ? 8 : 0) + (masked ? 4 : 0);
    let data = str(f.data) ?? '';
    if (data !== '' && fromBase64(data) === null) {
      ctx.problem(`frame ${i + 1}: data is not base64; payload left out`);
      data = '';
    }
    const known = fromBase64(data)?.length ?? 0;
    const frame: FrameRecord = {
      seq: num(f.seq) ?? i + 1,
      dir,
      offset: offsets[dir],
      fin: f.fin !== false,
      rsv1: f.rsv1 === true,
      rsv2: f.rsv2 === true,
      rsv3: f.rsv3 === true,
      opcode,
      masked,
      ...(typeof f.maskKey === 'string' ? { maskKey: f.maskKey } : {}),
      lengthEncoding: encoding,
      headerLength,
      payloadLength,
      data,
      // Data frames' payloads are not in the HAR (their messages are).
      truncated: known < payloadLength,
    };
    if (opcode === 8) frame.close = closeBody(fromBase64(data) ?? new Uint8Array(0));
    offsets[dir] += headerLength + payloadLength;
    out.push({ type: 'frame', conn, t: time * 1000 - ctx.origin, frame });
  });
  return out;
}

function closeBody(bytes: Uint8Array): { code?: number; reason?: string } {
  if (bytes.length < 2) return {};
  const code = (bytes[0]! << 8) | bytes[1]!;
  return bytes.length > 2 ? { code, reason: decodeUtf8(bytes.subarray(2)) } : { code };
}

/** Message ids from the frames (as the recorder assigns them: at a data message's first frame), per direction. */
function linkFrames(frames: FrameEvent[]): Record<Direction, { id: number; seqs: number[]; wire: number }[]> {
  const out: Record<Direction, { id: number; seqs: number[]; wire: number }[]> = { c2s: [], s2c: [] };
  const open: Record<Direction, { id: number; seqs: number[]; wire: number } | undefined> = {
    c2s: undefined,
    s2c: undefined,
  };
  let next = 1;
  for (const { frame } of frames) {
    if (frame.opcode >= 8) continue;
    let message = open[frame.dir];
    if (frame.opcode !== 0 || !message) {
      message = { id: next++, seqs: [], wire: 0 };
      out[frame.dir].push(message);
      open[frame.dir] = message;
    }
    message.seqs.push(frame.seq);
    message.wire += frame.payloadLength;
    frame.messageId = message.id;
    if (frame.fin) open[frame.dir] = undefined;
  }
  return out;
}

/**
 * wsi's HAR keeps data frames' bits but not their payloads; an uncompressed message recorded whole is exactly its
 * frames' payloads in order, so those are given back (compressed or cut messages leave their frames `truncated`).
 */
function fillFramePayloads(frames: FrameEvent[], events: readonly (MessageEvent | ErrorEvent)[]): void {
  const bySeq = new Map(frames.map((f) => [f.frame.seq, f.frame]));
  for (const event of events) {
    if (event.type !== 'message' || event.message.compressed || event.message.truncated) continue;
    const parts = event.message.frames.map((seq) => bySeq.get(seq));
    const bytes = fromBase64(event.message.data);
    if (!bytes || parts.length === 0 || parts.some((f) => f === undefined || f.rsv1)) continue;
    const lengths = parts.reduce((sum, f) => sum + (f?.payloadLength ?? 0), 0);
    if (lengths !== bytes.length) continue;
    let at = 0;
    for (const frame of parts as FrameRecord[]) {
      frame.data = toBase64(bytes, at, at + frame.payloadLength);
      frame.truncated = false;
      at += frame.payloadLength;
    }
  }
}

interface ImportedMessages {
  events: (MessageEvent | ErrorEvent)[];
  control: number;
}

function importMessages(
  raw: unknown[],
  conn: string,
  ctx: EntryContext,
  linked: Record<Direction, { id: number; seqs: number[]; wire: number }[]> | undefined,
): ImportedMessages {
  const out: (MessageEvent | ErrorEvent)[] = [];
  const used: Record<Direction, number> = { c2s: 0, s2c: 0 };
  let control = 0;
  let lastT = 0;
  let nextId = 1;
  raw.forEach((item, i) => {
    const where = `message ${i + 1}`;
    if (!isObject(item)) {
      ctx.problem(`${where}: not an object; skipped`);
      return;
    }
    const type = str(item.type) ?? '';
    const time = num(item.time);
    let t = lastT;
    if (time === undefined) ctx.problem(`${where}: no numeric "time"; placed after the previous message`);
    else t = lastT = time * 1000 - ctx.origin;
    const data = str(item.data);
    // Chrome lists WebSocket errors among the messages.
    if (type === 'error') {
      out.push({ type: 'error', conn, t, code: 'HAR_WEBSOCKET_ERROR', message: data ?? 'WebSocket error' });
      return;
    }
    const dir = direction(type);
    if (!dir) {
      ctx.problem(`${where}: type ${JSON.stringify(item.type)} is neither "send" nor "receive"; skipped`);
      return;
    }
    const opcode = num(item.opcode);
    if (opcode !== undefined && opcode >= 8) {
      control++;
      return;
    }
    if (opcode !== 1 && opcode !== 2) {
      ctx.problem(`${where}: opcode ${JSON.stringify(item.opcode)} is not 1 (text) or 2 (binary); skipped`);
      return;
    }
    if (data === undefined) ctx.problem(`${where}: no "data" string; recorded as empty`);
    let bytes: Uint8Array;
    if (opcode === 2) {
      const decoded = fromBase64(data ?? '');
      if (decoded === null) {
        ctx.problem(`${where}: binary data is not base64; kept as the text it holds`);
        bytes = encodeUtf8(data ?? '');
      } else bytes = decoded;
    } else bytes = encodeUtf8(data ?? '');
    const truncated = item._truncated === true;
    const size = truncated ? Math.max(num(item._size) ?? bytes.length, bytes.length) : bytes.length;
    const link = linked?.[dir][used[dir]++];
    const id = link?.id ?? nextId++;
    out.push({
      type: 'message',
      conn,
      t,
      message: {
        id,
        dir,
        opcode,
        frames: link?.seqs ?? [],
        wireSize: link?.wire ?? size,
        size,
        compressed: item._compressed === true,
        data: toBase64(bytes),
        truncated,
        ...(opcode === 1 ? { utf8Valid: item._invalidUtf8 !== true } : {}),
      },
    });
  });
  return { events: out, control };
}

function requestEvent(entry: Json, conn: string, t: number, url: string): HttpRequestEvent {
  const request = obj(entry.request);
  return {
    type: 'http-request',
    conn,
    t,
    leg: 'direct',
    head: {
      method: str(request.method) ?? 'GET',
      target: parseUrlParts(url)?.pathAndQuery ?? url,
      httpVersion: httpVersion(request.httpVersion),
      headers: nameValues(request.headers).pairs,
      raw: '',
    },
  };
}

function responseEvent(response: Json, conn: string, t: number, timing: HandshakeTiming): HttpResponseEvent {
  const status = num(response.status) ?? 0;
  const content = obj(response.content);
  const text = str(content.text);
  const bytes =
    text === undefined
      ? undefined
      : content.encoding === 'base64'
        ? (fromBase64(text) ?? encodeUtf8(text))
        : encodeUtf8(text);
  const size = Math.max(num(content.size) ?? 0, bytes?.length ?? 0);
  return {
    type: 'http-response',
    conn,
    t,
    leg: 'direct',
    head: {
      httpVersion: httpVersion(response.httpVersion),
      status,
      statusText: str(response.statusText) ?? '',
      headers: nameValues(response.headers).pairs,
      raw: '',
    },
    ...(status !== 101 && bytes && bytes.length > 0
      ? { body: { base64: toBase64(bytes), size, truncated: bytes.length < size } }
      : {}),
    accept: 'not-applicable',
    timing,
  };
}

interface EntryResult {
  start: number;
  events: CaptureEvent[];
  unknown: UnknownFact[];
}

function importEntry(entry: Json, conn: string, ctx: EntryContext): EntryResult {
  const request = obj(entry.request);
  const response = obj(entry.response);
  const url = str(request.url) ?? '';
  if (!url) ctx.problem('request has no "url"');
  const requestHeaders = nameValues(request.headers);
  const responseHeaders = nameValues(response.headers);
  if (requestHeaders.bad + responseHeaders.bad > 0)
    ctx.problem(
      `${requestHeaders.bad + responseHeaders.bad} header(s) without a name and value string skipped`,
    );
  let started = Date.parse(str(entry.startedDateTime) ?? '');
  if (!Number.isFinite(started)) {
    ctx.problem('"startedDateTime" is not a date; the connection starts at its first message');
    const first = arr(entry._webSocketMessages).map((m) => num(obj(m).time))[0];
    started = first !== undefined ? first * 1000 : ctx.origin;
  }
  const startT = started - ctx.origin;
  const timing = handshakeTiming(obj(entry.timings));
  const connection: ConnectionEvent = {
    type: 'connection',
    conn,
    t: startT,
    mode: 'client',
    url,
    at: started,
  };
  const events: CaptureEvent[] = [connection];
  // An attempt that never sent its request has no headers and no size (wsi writes such entries for refused ones).
  if (requestHeaders.pairs.length > 0 || (num(request.headersSize) ?? -1) >= 0)
    events.push(requestEvent(entry, conn, startT + (timing.requestSentMs ?? 0), url));
  const status = num(response.status) ?? 0;
  const responseT = startT + (timing.headersCompleteMs ?? Math.max(0, num(entry.time) ?? 0));
  if (status > 0) {
    const event = responseEvent(response, conn, responseT, timing);
    events.push(event);
    if (status === 101) {
      const headers = event.head.headers;
      const extensions = headers.filter((h) => h.name.toLowerCase() === 'sec-websocket-extensions');
      events.push({
        type: 'open',
        conn,
        t: responseT,
        protocol: headerValue(headers, 'sec-websocket-protocol') ?? '',
        extensions: parseExtensions(extensions.map((h) => h.value).join(', ')),
      });
    }
  } else {
    events.push({
      type: 'error',
      conn,
      t: responseT,
      code: 'HAR_NO_RESPONSE',
      message: str(response._error) || 'the HAR has no response for this request',
    });
  }

  const unknown: UnknownFact[] = ['tcp', 'tls', 'raw-heads', 'accept'];
  const rawFrames = entry._webSocketFrames;
  const frames = Array.isArray(rawFrames) ? importFrames(rawFrames, conn, ctx) : [];
  if (!Array.isArray(rawFrames)) unknown.push('frames', 'close');
  const rawMessages = entry._webSocketMessages;
  if (!Array.isArray(rawMessages)) {
    unknown.push('messages');
    if (rawMessages !== undefined) ctx.problem('"_webSocketMessages" is not an array; no messages read');
  }
  const messages = importMessages(
    arr(rawMessages),
    conn,
    ctx,
    Array.isArray(rawFrames) ? linkFrames(frames) : undefined,
  );
  if (messages.control > 0)
    ctx.problem(
      `${messages.control} control message(s) (opcode 8-10) left out: a HAR message is not a frame, so its bits are unknown`,
    );
  fillFramePayloads(frames, messages.events);
  const body = [...frames, ...messages.events].sort((a, b) => a.t - b.t);
  for (const event of body) events.push(event);
  // A loop, not Math.max(...body): a connection can have more records than a call has room for arguments.
  const lastT = body.reduce((max, e) => Math.max(max, e.t), responseT);

  const close = entry._webSocketClose;
  if (isObject(close) && close.kind !== 'open') {
    // The HAR says the connection is over; its end is the later of the close time and the last record.
    const at = num(close.timestamp);
    events.push({ type: 'end', conn, t: Math.max(lastT, at !== undefined ? at * 1000 - ctx.origin : lastT) });
  } else if (close === 'aborted') {
    events.push({
      type: 'error',
      conn,
      t: lastT,
      code: 'HAR_ABORTED',
      message: 'the HAR says the connection was aborted',
    });
  }
  return { start: startT, events, unknown };
}

const creatorName = (log: Json): string => {
  const creator = obj(log.creator);
  const name = str(creator.name) ?? 'unknown';
  return name;
};

function emptyResult(problems: SessionReadProblem[], producer: string): HarImportResult {
  return {
    session: {
      header: {
        format: SESSION_FORMAT,
        version: SESSION_VERSION,
        startedAt: 0,
        producer,
        imported: { format: 'har', creator: 'unknown', unknown: [], skippedEntries: 0 },
      },
      events: [],
    },
    problems,
    skippedEntries: 0,
  };
}

/**
 * A HAR (Chrome/Edge, Firefox, HTTP Toolkit, `wsi export --har`) as a session: one connection per WebSocket entry.
 * Never throws: every problem is named and everything readable is kept. What a HAR does not hold is listed in
 * `header.imported.unknown` and left out of the records, never made up.
 */
export function importHar(text: string, producer = 'wsi HAR import'): HarImportResult {
  const problems: SessionReadProblem[] = [];
  const problem = (message: string): void => {
    problems.push({ line: 0, message });
  };
  const parsed = parseJsonText(text.replace(/^\uFEFF/, ''));
  if (!parsed.ok) {
    problem(`not JSON (${parsed.error}); nothing read`);
    return emptyResult(problems, producer);
  }
  if (!isObject(parsed.value) || !isObject(parsed.value.log)) {
    problem('not a HAR: expected an object with a "log" object; nothing read');
    return emptyResult(problems, producer);
  }
  const log = parsed.value.log;
  if (!Array.isArray(log.entries)) problem('"log.entries" is not an array; nothing read');
  const entries = arr(log.entries);

  const wsEntries: { entry: Json; index: number }[] = [];
  let skipped = 0;
  entries.forEach((entry, index) => {
    if (!isObject(entry)) problem(`entry ${index + 1}: not an object; skipped`);
    else if (isWebSocketEntry(entry)) wsEntries.push({ entry, index });
    else skipped++;
  });

  const starts = wsEntries.flatMap(({ entry }) => {
    const started = Date.parse(str(entry.startedDateTime) ?? '');
    const times = arr(entry._webSocketMessages).flatMap((m) => {
      const time = num(obj(m).time);
      return time !== undefined ? [time * 1000] : [];
    });
    return [...(Number.isFinite(started) ? [started] : []), ...times];
  });
  const origin = starts.length > 0 ? starts.reduce((min, t) => Math.min(min, t)) : 0;

  const unknown = new Set<UnknownFact>();
  const used = new Set<string>();
  const results: EntryResult[] = [];
  for (const { entry, index } of wsEntries) {
    const url = str(obj(entry.request).url) ?? '';
    const where = `entry ${index + 1}${url ? ` (${url})` : ''}`;
    // Our own export names each connection; keep the name so a round trip keeps the ids.
    const own = str(entry._wsiConnection);
    let conn = own && !used.has(own) ? own : `har${index + 1}`;
    while (used.has(conn)) conn += '_';
    used.add(conn);
    const result = importEntry(entry, conn, {
      where,
      origin,
      problem: (message) => problem(`${where}: ${message}`),
    });
    result.unknown.forEach((u) => unknown.add(u));
    results.push(result);
  }
  results.sort((a, b) => a.start - b.start);

  const imported: SessionImport = {
    format: 'har',
    creator: creatorName(log),
    unknown: [...unknown],
    skippedEntries: skipped,
  };
  if (entries.length > 0 && wsEntries.length === 0)
    problem(`no WebSocket entries among ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`);
  return {
    session: {
      header: { format: SESSION_FORMAT, version: SESSION_VERSION, startedAt: origin, producer, imported },
      events: results.flatMap((r) => r.events),
    },
    problems,
    skippedEntries: skipped,
  };
}
