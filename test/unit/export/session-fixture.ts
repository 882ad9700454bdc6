import type { CaptureEvent, FrameRecord, MessageRecord } from '../../../shared/model/index.js';
import type { Session } from '../../../shared/model/session.js';
import { toBase64 } from '../../../shared/util/base64.js';

export const STARTED_AT = 1_700_000_000_000;
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export const REQUEST_RAW =
  'GET /chat?room=a%20b&x=1 HTTP/1.1\r\nHost: example.test:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nCookie: a=1; b=2\r\n\r\n';
export const RESPONSE_RAW =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

const headersOf = (raw: string) =>
  raw
    .split('\r\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
    });

type FrameInput = Partial<FrameRecord> &
  Pick<FrameRecord, 'seq' | 'dir' | 'opcode'> & { payload?: Uint8Array };

export function frame(input: FrameInput): FrameRecord {
  const payload = input.payload ?? new Uint8Array(0);
  const payloadLength = input.payloadLength ?? payload.length;
  const lengthEncoding = input.lengthEncoding ?? (payloadLength < 126 ? 7 : payloadLength < 65536 ? 16 : 64);
  const masked = input.masked ?? input.dir === 'c2s';
  const { payload: _ignored, ...rest } = input;
  return {
    offset: 0,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    masked,
    ...(masked ? { maskKey: '37fa213d' } : {}),
    lengthEncoding,
    headerLength: 2 + (lengthEncoding === 16 ? 2 : lengthEncoding === 64 ? 8 : 0) + (masked ? 4 : 0),
    payloadLength,
    data: toBase64(payload),
    truncated: payload.length < payloadLength,
    ...rest,
  };
}

export function message(
  id: number,
  dir: 'c2s' | 's2c',
  opcode: number,
  payload: Uint8Array,
  size = payload.length,
): MessageRecord {
  return {
    id,
    dir,
    opcode,
    frames: [id],
    wireSize: size,
    size,
    compressed: false,
    data: toBase64(payload),
    truncated: payload.length < size,
    ...(opcode === 1 ? { utf8Valid: true } : {}),
  };
}

/**
 * c1: a 101 connection to ws://example.test:8080 with text, binary, a truncated message and a closing handshake.
 * c2: a 403 rejection with a body, to ws://example.test (port 80).
 * c3: a refused attempt (no TCP).
 */
export function sampleSession(): Session {
  const big = new Uint8Array(70_000).fill(0x61);
  const events: CaptureEvent[] = [
    {
      type: 'connection',
      conn: 'c1',
      t: 10,
      mode: 'client',
      url: 'ws://example.test:8080/chat?room=a%20b&x=1',
      at: STARTED_AT + 10,
    },
    { type: 'tcp', conn: 'c1', t: 12, leg: 'direct', kind: 'connect', side: 'server' },
    {
      type: 'http-request',
      conn: 'c1',
      t: 13,
      leg: 'direct',
      head: {
        method: 'GET',
        target: '/chat?room=a%20b&x=1',
        httpVersion: '1.1',
        headers: headersOf(REQUEST_RAW),
        raw: REQUEST_RAW,
      },
    },
    {
      type: 'http-response',
      conn: 'c1',
      t: 20,
      leg: 'direct',
      head: {
        httpVersion: '1.1',
        status: 101,
        statusText: 'Switching Protocols',
        headers: headersOf(RESPONSE_RAW),
        raw: RESPONSE_RAW,
      },
      accept: 'ok',
      timing: { dnsMs: 1, tcpConnectMs: 2, requestSentMs: 3, firstByteMs: 9, headersCompleteMs: 10 },
    },
    { type: 'open', conn: 'c1', t: 20, protocol: '', extensions: [] },
    {
      type: 'frame',
      conn: 'c1',
      t: 30,
      frame: frame({ seq: 1, dir: 'c2s', opcode: 1, payload: utf8('Hello'), messageId: 1 }),
    },
    { type: 'message', conn: 'c1', t: 30, message: message(1, 'c2s', 1, utf8('Hello')) },
    {
      type: 'frame',
      conn: 'c1',
      t: 40,
      frame: frame({ seq: 2, dir: 's2c', opcode: 2, payload: Uint8Array.of(0, 1, 2, 255), messageId: 2 }),
    },
    { type: 'message', conn: 'c1', t: 40, message: message(2, 's2c', 2, Uint8Array.of(0, 1, 2, 255)) },
    {
      type: 'frame',
      conn: 'c1',
      t: 50,
      frame: frame({
        seq: 3,
        dir: 's2c',
        opcode: 1,
        offset: 6,
        payload: big.slice(0, 65536),
        payloadLength: 70_000,
        messageId: 3,
      }),
    },
    { type: 'message', conn: 'c1', t: 50, message: message(3, 's2c', 1, big.slice(0, 65536), 70_000) },
    {
      type: 'frame',
      conn: 'c1',
      t: 60,
      frame: frame({
        seq: 4,
        dir: 'c2s',
        opcode: 8,
        offset: 11,
        payload: Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65),
        close: { code: 1000, reason: 'bye' },
      }),
    },
    {
      type: 'frame',
      conn: 'c1',
      t: 61,
      frame: frame({
        seq: 5,
        dir: 's2c',
        opcode: 8,
        offset: 6 + 10 + 70_000,
        payload: Uint8Array.of(0x03, 0xe8),
        close: { code: 1000 },
      }),
    },
    { type: 'tcp', conn: 'c1', t: 62, leg: 'direct', kind: 'fin', side: 'server' },
    { type: 'tcp', conn: 'c1', t: 63, leg: 'direct', kind: 'fin', side: 'client' },
    { type: 'end', conn: 'c1', t: 63 },

    {
      type: 'connection',
      conn: 'c2',
      t: 100,
      mode: 'client',
      url: 'ws://example.test/denied',
      at: STARTED_AT + 100,
    },
    { type: 'tcp', conn: 'c2', t: 101, leg: 'direct', kind: 'connect', side: 'server' },
    {
      type: 'http-request',
      conn: 'c2',
      t: 102,
      leg: 'direct',
      head: {
        method: 'GET',
        target: '/denied',
        httpVersion: '1.1',
        headers: [{ name: 'Host', value: 'example.test' }],
        raw: 'GET /denied HTTP/1.1\r\nHost: example.test\r\n\r\n',
      },
    },
    {
      type: 'http-response',
      conn: 'c2',
      t: 105,
      leg: 'direct',
      head: {
        httpVersion: '1.1',
        status: 403,
        statusText: 'Forbidden',
        headers: [
          { name: 'Content-Type', value: 'text/plain' },
          { name: 'Content-Length', value: '6' },
        ],
        raw: 'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 6\r\n\r\n',
      },
      body: { base64: toBase64(utf8('nope!\n')), size: 6, truncated: false },
      accept: 'not-applicable',
      timing: { tcpConnectMs: 1, requestSentMs: 2, firstByteMs: 5, headersCompleteMs: 5 },
    },
    { type: 'tcp', conn: 'c2', t: 106, leg: 'direct', kind: 'rst', side: 'server' },
    { type: 'end', conn: 'c2', t: 106 },

    {
      type: 'connection',
      conn: 'c3',
      t: 200,
      mode: 'client',
      url: 'wss://example.test:9443/',
      at: STARTED_AT + 200,
    },
    { type: 'error', conn: 'c3', t: 201, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' },
    { type: 'end', conn: 'c3', t: 201 },
  ];
  return {
    header: { format: 'wsi-session', version: 1, startedAt: STARTED_AT, producer: 'wsi test' },
    events,
  };
}
