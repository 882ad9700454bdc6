import { attributeCloseFacts } from '../analysis/close-attribution.js';
import type { ConnectionFacts } from '../analysis/connection-facts.js';
import { clientRequest, clientResponse, collectFacts } from '../analysis/connection-facts.js';
import { groupByConnection } from '../analysis/group.js';
import type { FrameEvent, MessageEvent } from '../model/events.js';
import type { Session, SessionHeader } from '../model/session.js';
import { decodeUtf8 } from '../protocol/utf8.js';
import { redactionText } from '../redact/summary-text.js';
import { fromBase64 } from '../util/base64.js';
import type {
  HarEntry,
  HarLog,
  HarRequest,
  HarResponse,
  HarWebSocketClose,
  HarWebSocketFrame,
  HarWebSocketMessage,
} from './har-types.js';
import {
  firstHeader,
  harHeaders,
  harTimings,
  requestCookies,
  responseCookies,
  totalTime,
} from './har-http.js';
import { epochSeconds, sessionOrigin } from './session-clock.js';
import { parseQuery, parseUrlParts } from './url-parts.js';

export interface HarOptions {
  /** Add `_webSocketFrames` (every frame's header bits, control frame payloads). Default true. */
  frames?: boolean;
}

const REPLACEMENT_CHAR = '\uFFFD';
const messageType = (dir: 'c2s' | 's2c'): 'send' | 'receive' => (dir === 'c2s' ? 'send' : 'receive');

export function harMessage(event: MessageEvent, origin: number): HarWebSocketMessage {
  const { message } = event;
  let data = message.data;
  let invalidUtf8 = false;
  if (message.opcode === 1) {
    let text = decodeUtf8(fromBase64(message.data) ?? new Uint8Array(0));
    // A cut at the capture limit can split the last character; drop the replacement that produces.
    if (message.truncated && text.endsWith(REPLACEMENT_CHAR)) text = text.slice(0, -1);
    data = text;
    invalidUtf8 = message.utf8Valid === false;
  }
  return {
    type: messageType(message.dir),
    time: epochSeconds(origin, event.t),
    opcode: message.opcode,
    data,
    ...(message.truncated ? { _truncated: true, _size: message.size } : {}),
    ...(message.compressed ? { _compressed: true } : {}),
    ...(invalidUtf8 ? { _invalidUtf8: true } : {}),
    ...(message.redacted ? { _redacted: true } : {}),
  };
}

function harRequest(facts: ConnectionFacts, url: string): HarRequest {
  const head = clientRequest(facts)?.head;
  const headers = head?.headers ?? [];
  return {
    method: head?.method ?? 'GET',
    url,
    httpVersion: `HTTP/${head?.httpVersion ?? '1.1'}`,
    cookies: requestCookies(headers),
    headers: harHeaders(headers),
    queryString: parseQuery(parseUrlParts(url)?.query ?? ''),
    headersSize: head ? head.raw.length : -1,
    bodySize: 0,
  };
}

function harResponse(facts: ConnectionFacts): HarResponse {
  const response = clientResponse(facts);
  if (!response) {
    const error = facts.errors[0];
    return {
      status: 0,
      statusText: '',
      httpVersion: '',
      cookies: [],
      headers: [],
      content: { size: 0, mimeType: '' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
      _error: error ? `${error.code}: ${error.message}` : 'no response recorded',
    };
  }
  const { head, body } = response;
  return {
    status: head.status,
    statusText: head.statusText,
    httpVersion: `HTTP/${head.httpVersion}`,
    cookies: responseCookies(head.headers),
    headers: harHeaders(head.headers),
    content: {
      size: body?.size ?? 0,
      mimeType: firstHeader(head.headers, 'content-type') ?? '',
      ...(body && body.base64 !== '' ? { text: body.base64, encoding: 'base64' as const } : {}),
      ...(body?.truncated ? { _truncated: true } : {}),
    },
    redirectURL: firstHeader(head.headers, 'location') ?? '',
    headersSize: head.raw.length,
    bodySize: body?.size ?? 0,
  };
}

function harClose(facts: ConnectionFacts, origin: number): HarWebSocketClose | undefined {
  const close = attributeCloseFacts(facts);
  if (close.endedT === undefined && !close.firstClose) return undefined;
  const first = close.firstClose;
  const at = first?.t ?? close.endedT;
  return {
    code: first ? (first.code ?? 1005) : close.browserCloseCode,
    reason: first?.reason ?? '',
    timestamp: at !== undefined ? epochSeconds(origin, at) : null,
    initiator: close.initiator,
    kind: close.kind,
    closingHandshakeComplete: close.closingHandshakeComplete,
  };
}

export function harFrame({ frame, t }: FrameEvent, origin: number): HarWebSocketFrame {
  return {
    seq: frame.seq,
    type: messageType(frame.dir),
    time: epochSeconds(origin, t),
    opcode: frame.opcode,
    fin: frame.fin,
    rsv1: frame.rsv1,
    rsv2: frame.rsv2,
    rsv3: frame.rsv3,
    mask: frame.masked,
    ...(frame.maskKey !== undefined ? { maskKey: frame.maskKey } : {}),
    lengthEncoding: frame.lengthEncoding,
    payloadLength: frame.payloadLength,
    ...(frame.opcode >= 8 ? { data: frame.data } : {}),
    ...(frame.truncated ? { truncated: true } : {}),
  };
}

/** A connection's entry; `facts.frames` are its `_webSocketFrames` (har-stream.ts passes none and writes its own). */
export function harEntry(
  facts: ConnectionFacts,
  messages: MessageEvent[],
  origin: number,
  options: HarOptions,
): HarEntry {
  const url = facts.connection?.url ?? '';
  const startT = facts.connection?.t ?? facts.firstT;
  const started = facts.connection?.at ?? origin + startT;
  const timings = harTimings(clientResponse(facts)?.timing);
  const close = harClose(facts, origin);
  return {
    startedDateTime: new Date(started).toISOString(),
    time: totalTime(timings),
    request: harRequest(facts, url),
    response: harResponse(facts),
    cache: {},
    timings,
    connection: facts.id,
    _resourceType: 'websocket',
    _webSocketMessages: messages.map((m) => harMessage(m, origin)),
    ...(close ? { _webSocketClose: close } : {}),
    ...(options.frames !== false
      ? { _webSocketFrames: Array.from(facts.frames, (frame) => harFrame(frame, origin)) }
      : {}),
    _wsiConnection: facts.id,
  };
}

/** The entry's place in the log: entries are in the order their connections started. */
export const entryStart = (facts: ConnectionFacts): number => facts.connection?.t ?? facts.firstT;

export const HAR_COMMENT =
  'WebSocket connections recorded by wsi; see docs/exports.md for the underscore fields.';

/** The log without its entries (they go between `pages` and `comment`). */
export function harLogFields(header: SessionHeader): Omit<HarLog['log'], 'entries'> {
  const { redaction } = header;
  return {
    version: '1.2',
    creator: { name: 'wsi', version: header.producer },
    pages: [],
    comment: redaction ? `${HAR_COMMENT} ${redactionText(redaction)}` : HAR_COMMENT,
    ...(redaction ? { _wsiRedaction: redaction } : {}),
  };
}

/** A HAR 1.2 log with one `_resourceType: "websocket"` entry per recorded connection, in start order. */
export function toHar(session: Session, options: HarOptions = {}): HarLog {
  const origin = sessionOrigin(session);
  const entries: { start: number; entry: HarEntry }[] = [];
  for (const [id, events] of groupByConnection(session.events)) {
    const facts = collectFacts(id, events);
    const messages = events.filter((e): e is MessageEvent => e.type === 'message');
    entries.push({ start: entryStart(facts), entry: harEntry(facts, messages, origin, options) });
  }
  entries.sort((a, b) => a.start - b.start);
  const { comment, ...fields } = harLogFields(session.header);
  const { _wsiRedaction, ...head } = fields;
  return {
    log: {
      ...head,
      entries: entries.map((e) => e.entry),
      comment,
      ...(_wsiRedaction ? { _wsiRedaction } : {}),
    },
  };
}
