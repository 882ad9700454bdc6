/**
 * Connection facts as they cross the capture ring: everything about a connection except its stream bytes (the
 * open with its identity, the four handshake heads, TCP FIN/RST, errors, injected faults, capture backpressure and
 * the end). They are few per connection, so they travel as UTF-8 JSON with an optional binary tail (a response
 * body); stream bytes never do.
 */
import type { CaptureOp } from '../../proxy/capture-worker-protocol.js';
import type { Direction } from '../../../shared/model/wire.js';

type WithoutConnAt<T> = T extends { conn: string; at: number } ? Omit<T, 'conn' | 'at'> : never;

/** The capture ops of capture-worker-protocol.ts (minus stream bytes and gaps), plus backpressure. */
export type RingFact =
  | WithoutConnAt<Exclude<CaptureOp, { k: 'bytes' } | { k: 'dropped' } | { k: 'open' }>>
  | (WithoutConnAt<Extract<CaptureOp, { k: 'open' }>> & { id: string; maxStoredPayload?: number })
  | { k: 'backpressure'; dir: Direction; ms: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeFact(fact: RingFact): Uint8Array {
  const body = fact.k === 'res' ? fact.body : undefined;
  const json = encoder.encode(JSON.stringify(body ? { ...fact, body: undefined } : fact));
  const out = new Uint8Array(4 + json.length + (body?.length ?? 0));
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  if (body) out.set(body, 4 + json.length);
  return out;
}

export function decodeFact(payload: Uint8Array): RingFact {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const length = view.getUint32(0, true);
  const fact = JSON.parse(decoder.decode(payload.subarray(4, 4 + length))) as RingFact;
  if (fact.k === 'res' && payload.length > 4 + length) fact.body = payload.slice(4 + length);
  return fact;
}
