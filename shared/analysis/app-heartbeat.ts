import { decodeUtf8 } from '../protocol/utf8.js';
import { fromBase64 } from '../util/base64.js';
import type { Side } from '../model/wire.js';
import type { ConnectionFacts } from './connection-facts.js';

/**
 * Application-level heartbeats: what browsers must use (page script cannot send protocol pings). Recognised by the
 * conventions of common libraries, in small uncompressed single-frame text messages.
 */
export interface AppBeat {
  kind: 'ping' | 'pong';
  /** Human name of the convention, e.g. `Engine.IO (Socket.IO) "2"/"3"`. */
  convention: string;
}

export const MAX_BEAT_BYTES = 256;
const PING_WORDS = new Set(['ping', 'heartbeat']);
const PONG_WORDS = new Set(['pong', 'heartbeat_ack', 'heartbeat-ack', 'heartbeatack']);
const JSON_FIELDS = ['type', 'op', 'event', 'action', 'method'] as const;
const MAYBE_BEAT = /ping|pong|heartbeat|"op"|phoenix/i;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The heartbeat a text message is, by a known convention, or undefined. Pure; never throws. */
export function classifyAppBeat(text: string): AppBeat | undefined {
  const trimmed = text.trim();
  const word = trimmed.toLowerCase();
  if (word === 'ping' || word === 'pong') return { kind: word, convention: 'text "ping"/"pong"' };
  if (trimmed === '2' || trimmed === '2probe' || trimmed === '3' || trimmed === '3probe')
    return { kind: trimmed.startsWith('2') ? 'ping' : 'pong', convention: 'Engine.IO (Socket.IO) "2"/"3"' };
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  // Most small JSON messages are not heartbeats: only parse the ones that could be.
  if (!MAYBE_BEAT.test(trimmed)) return undefined;
  const value = parseJson(trimmed);
  // Phoenix channels, v2 serializer: [join_ref, ref, "phoenix", "heartbeat" | "phx_reply", payload].
  if (Array.isArray(value) && value[2] === 'phoenix') {
    if (value[3] === 'heartbeat') return { kind: 'ping', convention: 'Phoenix heartbeat' };
    if (value[3] === 'phx_reply') return { kind: 'pong', convention: 'Phoenix heartbeat' };
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  if (value.topic === 'phoenix') {
    if (value.event === 'heartbeat') return { kind: 'ping', convention: 'Phoenix heartbeat' };
    if (value.event === 'phx_reply') return { kind: 'pong', convention: 'Phoenix heartbeat' };
  }
  // Discord-style gateways: {"op": 1, "d": …} heartbeat, {"op": 11} heartbeat ACK.
  if ('d' in value && (value.op === 1 || value.op === 11))
    return { kind: value.op === 1 ? 'ping' : 'pong', convention: 'gateway op 1 / op 11' };
  for (const field of JSON_FIELDS) {
    const raw = value[field];
    if (typeof raw !== 'string') continue;
    const word = raw.toLowerCase();
    const kind = PING_WORDS.has(word) ? 'ping' : PONG_WORDS.has(word) ? 'pong' : undefined;
    if (!kind) continue;
    // One name for both halves, so a reply pairs with its ping.
    const family = word === 'ping' || word === 'pong' ? '"ping"/"pong"' : '"heartbeat"/"heartbeat_ack"';
    return { kind, convention: `JSON "${field}": ${family}` };
  }
  return undefined;
}

export interface AppPing {
  seq: number;
  t: number;
  side: Side;
  convention: string;
  replySeq?: number;
  rttMs?: number;
}

/** App-level pings of a connection, each paired with the first later reply of its convention from the other side. */
export function appPings(facts: ConnectionFacts): AppPing[] {
  const pings: AppPing[] = [];
  const waiting: Record<Side, AppPing[]> = { client: [], server: [] };
  for (const { frame, t } of facts.frames) {
    if (frame.opcode !== 1 || !frame.fin || frame.rsv1 || frame.payloadLength > MAX_BEAT_BYTES) continue;
    // Longer than a bare word, a beat is JSON starting with `{"` (base64 "ey") or `[` ("W"): skip the decode otherwise.
    if (frame.payloadLength > 8 && !frame.data.startsWith('ey') && !frame.data.startsWith('W')) continue;
    const bytes = fromBase64(frame.data);
    const beat = bytes ? classifyAppBeat(decodeUtf8(bytes)) : undefined;
    if (!beat) continue;
    const side: Side = frame.dir === 'c2s' ? 'client' : 'server';
    if (beat.kind === 'ping') {
      const ping: AppPing = { seq: frame.seq, t, side, convention: beat.convention };
      pings.push(ping);
      waiting[side].push(ping);
      continue;
    }
    const queue = waiting[side === 'client' ? 'server' : 'client'];
    const at = queue.findIndex((p) => p.convention === beat.convention);
    const ping = at >= 0 ? queue.splice(at, 1)[0] : undefined;
    if (ping) {
      ping.replySeq = frame.seq;
      ping.rttMs = t - ping.t;
    }
  }
  return pings;
}
