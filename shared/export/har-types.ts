/** HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/) plus the WebSocket fields Chrome DevTools reads and ours. */
import type { RedactionSummary } from '../model/session.js';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie extends HarNameValue {
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
  /** Ours: the captured body was cut at the capture limit (`size` is the true size). */
  _truncated?: boolean;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** Chrome's field for a request that failed without a response. */
  _error?: string;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  ssl: number;
  send: number;
  wait: number;
  receive: number;
}

/** One WebSocket message in Chrome's format: whole messages, text as text, anything else base64. */
export interface HarWebSocketMessage {
  type: 'send' | 'receive';
  /** Epoch seconds, fractional. */
  time: number;
  opcode: number;
  data: string;
  /** Ours: the recorded payload was cut at the capture limit; `_size` is the true size. */
  _truncated?: boolean;
  _size?: number;
  /** Ours: the message arrived compressed (permessage-deflate); `data` is the inflated payload. */
  _compressed?: boolean;
  /** Ours: a text message whose bytes are not valid UTF-8 (decoded with U+FFFD replacements). */
  _invalidUtf8?: boolean;
  /** Ours: secrets in `data` were masked for sharing (same length). */
  _redacted?: boolean;
}

export interface HarWebSocketClose {
  /** Close code of the first close frame; when no close frame was exchanged, the code a browser reports (1005/1006). */
  code: number | null;
  reason: string;
  /** Epoch seconds of the first ending act (close frame, FIN, RST, error). */
  timestamp: number | null;
  /** 'inspector': the inspector's proxy ended it on purpose (fault injection). */
  initiator: 'client' | 'server' | 'unknown' | 'inspector';
  /** How it ended: close-frame, tcp-fin, tcp-rst, timeout, error, open. */
  kind: string;
  /** Both close frames were exchanged. */
  closingHandshakeComplete: boolean;
}

export interface HarWebSocketFrame {
  seq: number;
  type: 'send' | 'receive';
  time: number;
  opcode: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  mask: boolean;
  maskKey?: string;
  lengthEncoding: number;
  payloadLength: number;
  /** Control frames only (≤ 125 bytes): the unmasked payload, base64. */
  data?: string;
  truncated?: boolean;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  connection?: string;
  _resourceType: 'websocket';
  _webSocketMessages: HarWebSocketMessage[];
  _webSocketClose?: HarWebSocketClose;
  _webSocketFrames?: HarWebSocketFrame[];
  /** Ours: the session's connection id. */
  _wsiConnection: string;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: { name: string; version: string };
    pages: [];
    entries: HarEntry[];
    comment?: string;
    /** Ours: the session was redacted for sharing; the rules applied and how many values each replaced. */
    _wsiRedaction?: RedactionSummary;
  };
}
