/**
 * Replay of one recorded connection: what to send (the client side's messages with their spacing and the original
 * handshake headers) and, afterwards, how the replay compared with the original, message by message.
 */
import type { CaptureEvent, MessageEvent } from '../model/events.js';
import type { HttpHeader } from '../model/handshake.js';
import { fromBase64 } from '../util/base64.js';
import { decodeUtf8 } from '../protocol/utf8.js';
import { formatMs } from './format.js';

export interface ReplayMessage {
  /** The original message record's id. */
  id: number;
  /** When to send it: ms after the replay's open (after the first replayed message for a selection). */
  offsetMs: number;
  kind: 'text' | 'binary';
  /** Text as is, or base64 for binary (what `send` takes). */
  data: string;
}

export interface ReplayPlan {
  url: string;
  headers: HttpHeader[];
  protocols: string[];
  messages: ReplayMessage[];
}

/**
 * Headers `ws` writes itself (key, version, extensions, upgrade), hop-by-hop ones and Host are not replayed;
 * Sec-WebSocket-Protocol becomes the protocols offered.
 */
const NOT_REPLAYED = new Set([
  'host',
  'connection',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'proxy-connection',
  'proxy-authorization',
  'content-length',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]);

export function replayHeaders(headers: readonly HttpHeader[]): HttpHeader[] {
  return headers.filter((h) => !NOT_REPLAYED.has(h.name.toLowerCase()));
}

const messagesOf = (events: readonly CaptureEvent[], conn: string): MessageEvent[] =>
  events.filter((e): e is MessageEvent => e.conn === conn && e.type === 'message');

/** The plan to replay `conn`'s client messages (all, or the ids given, in recorded order), or what prevents it. */
export function planReplay(
  events: readonly CaptureEvent[],
  conn: string,
  options: { messageIds?: readonly number[] } = {},
): { ok: true; plan: ReplayPlan } | { ok: false; error: string } {
  const mine = events.filter((e) => e.conn === conn);
  const start = mine.find((e) => e.type === 'connection');
  if (!start || start.type !== 'connection')
    return { ok: false, error: `no connection ${conn} in the session` };
  const request = mine.find(
    (e) => e.type === 'http-request' && (e.leg === 'direct' || e.leg === 'downstream'),
  );
  const open = mine.find((e) => e.type === 'open');
  if (!open) return { ok: false, error: `connection ${conn} never opened: there is nothing to replay` };
  const wanted = options.messageIds ? new Set(options.messageIds) : undefined;
  const picked = messagesOf(events, conn).filter(
    (e) => e.message.dir === 'c2s' && (!wanted || wanted.has(e.message.id)),
  );
  if (wanted && picked.length !== wanted.size)
    return { ok: false, error: 'only messages the client sent can be replayed; the selection has others' };
  const origin = wanted ? (picked[0]?.t ?? open.t) : open.t;
  const messages: ReplayMessage[] = [];
  for (const event of picked) {
    const { message } = event;
    if (message.truncated)
      return {
        ok: false,
        error: `message #${message.id} was recorded truncated (${message.size} bytes); record with full payloads (--full-payloads) to replay it`,
      };
    const bytes = fromBase64(message.data) ?? new Uint8Array();
    const text = message.opcode === 1;
    messages.push({
      id: message.id,
      offsetMs: Math.max(0, event.t - origin),
      kind: text ? 'text' : 'binary',
      data: text ? decodeUtf8(bytes) : message.data,
    });
  }
  const head = request?.type === 'http-request' ? request.head : undefined;
  const protocolHeader = head?.headers.find((h) => h.name.toLowerCase() === 'sec-websocket-protocol');
  return {
    ok: true,
    plan: {
      url: start.url,
      headers: replayHeaders(head?.headers ?? []),
      protocols: protocolHeader
        ? protocolHeader.value
            .split(',')
            .map((p) => p.trim())
            .filter((p) => p !== '')
        : [],
      messages,
    },
  };
}

/** When each message was scheduled and actually written, in ms after the replay's open. */
export interface ReplaySend {
  id: number;
  scheduledMs: number;
  sentMs: number;
}

export interface ComparedMessage {
  index: number;
  original?: { offsetMs: number; preview: string };
  replay?: { offsetMs: number; preview: string };
  same: boolean;
}

export interface ReplayComparison {
  client: ComparedMessage[];
  server: ComparedMessage[];
  /** Server messages whose payload or presence differs. */
  serverDifferences: number;
  /** |sent − scheduled| per message, ms. */
  timing: { messages: number; maxErrorMs: number; meanErrorMs: number; p95ErrorMs: number };
  originalEnd: string;
  replayEnd: string;
}

const PREVIEW = 40;

function preview(event: MessageEvent): string {
  const bytes = fromBase64(event.message.data) ?? new Uint8Array();
  const body =
    event.message.opcode === 1
      ? JSON.stringify(decodeUtf8(bytes.subarray(0, PREVIEW * 4)).slice(0, PREVIEW))
      : `binary ${event.message.size} B`;
  return event.message.truncated ? `${body}…` : body;
}

function endOf(events: readonly CaptureEvent[], conn: string): string {
  const mine = events.filter((e) => e.conn === conn);
  const close = mine.find((e) => e.type === 'frame' && e.frame.opcode === 8);
  if (close?.type === 'frame') {
    const by = close.frame.dir === 'c2s' ? 'client' : 'server';
    return `close ${close.frame.close?.code ?? 'without code'} by the ${by}`;
  }
  const tcp = mine.find((e) => e.type === 'tcp' && e.kind !== 'connect');
  if (tcp?.type === 'tcp') return `TCP ${tcp.kind.toUpperCase()} by the ${tcp.side}, no close frame`;
  return mine.some((e) => e.type === 'end') ? 'ended' : 'still open';
}

function pair(
  original: MessageEvent[],
  replay: MessageEvent[],
  openO: number,
  openR: number,
): ComparedMessage[] {
  const rows: ComparedMessage[] = [];
  for (let i = 0; i < Math.max(original.length, replay.length); i++) {
    const o = original[i];
    const r = replay[i];
    rows.push({
      index: i + 1,
      ...(o ? { original: { offsetMs: o.t - openO, preview: preview(o) } } : {}),
      ...(r ? { replay: { offsetMs: r.t - openR, preview: preview(r) } } : {}),
      same:
        o !== undefined &&
        r !== undefined &&
        o.message.opcode === r.message.opcode &&
        o.message.size === r.message.size &&
        o.message.data === r.message.data,
    });
  }
  return rows;
}

/**
 * The original connection and its replay side by side: client messages (the original's replayed ones), the server's
 * answers in order (the same or not), and the replay's timing error from `sends`.
 */
export function compareReplay(
  original: { events: readonly CaptureEvent[]; conn: string; messageIds?: readonly number[] },
  replay: { events: readonly CaptureEvent[]; conn: string },
  sends: readonly ReplaySend[],
): ReplayComparison {
  const openT = (events: readonly CaptureEvent[], conn: string): number =>
    events.find((e) => e.conn === conn && e.type === 'open')?.t ?? 0;
  const wanted = original.messageIds ? new Set(original.messageIds) : undefined;
  const o = messagesOf(original.events, original.conn);
  const r = messagesOf(replay.events, replay.conn);
  const oClient = o.filter((e) => e.message.dir === 'c2s' && (!wanted || wanted.has(e.message.id)));
  const openO = wanted ? (oClient[0]?.t ?? 0) : openT(original.events, original.conn);
  const openR = openT(replay.events, replay.conn);
  const firstReplayed = oClient[0]?.t ?? 0;
  // For a selection, the original's server answers are those from the first replayed message on.
  const oServer = o.filter((e) => e.message.dir === 's2c' && (!wanted || e.t >= firstReplayed));
  const client = pair(
    oClient,
    r.filter((e) => e.message.dir === 'c2s'),
    openO,
    openR,
  );
  const server = pair(
    oServer,
    r.filter((e) => e.message.dir === 's2c'),
    openO,
    openR,
  );
  const errors = sends.map((s) => Math.abs(s.sentMs - s.scheduledMs)).sort((a, b) => a - b);
  const mean = errors.length > 0 ? errors.reduce((a, b) => a + b, 0) / errors.length : 0;
  return {
    client,
    server,
    serverDifferences: server.filter((row) => !row.same).length,
    timing: {
      messages: errors.length,
      maxErrorMs: errors.at(-1) ?? 0,
      meanErrorMs: mean,
      p95ErrorMs: errors[Math.min(errors.length - 1, Math.floor(errors.length * 0.95))] ?? 0,
    },
    originalEnd: endOf(original.events, original.conn),
    replayEnd: endOf(replay.events, replay.conn),
  };
}

const cell = (side: ComparedMessage['original'], width: number): string =>
  (side ? `${formatMs(side.offsetMs).padStart(9)}  ${side.preview}` : '        —')
    .padEnd(width)
    .slice(0, width);

function table(title: string, rows: readonly ComparedMessage[]): string[] {
  const width = 56;
  const lines = [`${title}`, `  #    ${'original'.padEnd(width)}  replay`];
  for (const row of rows) {
    const delta =
      row.original && row.replay ? `  Δ ${formatMs(row.replay.offsetMs - row.original.offsetMs)}` : '';
    lines.push(
      `  ${String(row.index).padEnd(3)}${row.same ? ' ' : '≠'} ${cell(row.original, width)}  ${cell(row.replay, width).trimEnd()}${delta}`,
    );
  }
  if (rows.length === 0) lines.push('  (none)');
  return lines;
}

/** The comparison as text for the terminal (offsets in ms after open; ≠ marks rows that differ). */
export function formatReplayComparison(comparison: ReplayComparison): string {
  const { timing } = comparison;
  return [
    ...table('Client messages (sent)', comparison.client),
    '',
    ...table(`Server messages (${comparison.serverDifferences} differ)`, comparison.server),
    '',
    `ended: original ${comparison.originalEnd}; replay ${comparison.replayEnd}`,
    `timing error of the replay: max ${timing.maxErrorMs.toFixed(2)} ms, mean ${timing.meanErrorMs.toFixed(2)} ms, p95 ${timing.p95ErrorMs.toFixed(2)} ms over ${timing.messages} message${timing.messages === 1 ? '' : 's'}`,
  ].join('\n');
}
