import { describe, expect, it } from 'vitest';
import { PayloadStore, PayloadUnavailableError } from '../../../main/capture/payload-store.js';
import { withFullPayloads } from '../../../main/session/full-payloads.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { FrameParser } from '../../../shared/protocol/frame-parser.js';
import { MessageAssembler } from '../../../shared/protocol/message-assembler.js';

const bytes = (length: number, fill = 1): Uint8Array => new Uint8Array(length).fill(fill);

describe('PayloadStore', () => {
  it('keeps payloads by connection and ref and returns the same bytes', () => {
    const store = new PayloadStore({ maxPayload: 100, budget: 1000 });
    expect(store.keep('c1', 'f1', bytes(10, 5))).toBe(true);
    expect(store.keep('c2', 'f1', bytes(20, 6))).toBe(true);
    const found = store.get('c1', 'f1');
    expect(found.ok && Array.from(found.bytes)).toEqual(Array(10).fill(5));
    expect(store.require('c2', 'f1').length).toBe(20);
    expect(store.storedBytes).toBe(30);
  });

  it('refuses a payload over the per-payload limit', () => {
    const store = new PayloadStore({ maxPayload: 100, budget: 1000 });
    expect(store.keep('c1', 'f1', bytes(101))).toBe(false);
    expect(store.keep('c1', 'f2', bytes(100))).toBe(true);
    expect(store.get('c1', 'f1')).toMatchObject({ ok: false, reason: 'unknown' });
  });

  it('evicts the oldest payloads first to stay within the budget, and says so on lookup', () => {
    const mib = 1024 * 1024;
    const store = new PayloadStore({ maxPayload: 2 * mib, budget: 4 * mib });
    store.keep('c1', 'f1', bytes(2 * mib));
    store.keep('c1', 'f2', bytes(mib));
    store.keep('c1', 'f3', bytes(2 * mib));
    expect(store.storedBytes).toBe(3 * mib);
    const evicted = store.get('c1', 'f1');
    expect(evicted).toEqual({
      ok: false,
      reason: 'evicted',
      message: 'payload no longer in memory: evicted to stay within 4 MiB',
    });
    expect(store.get('c1', 'f2').ok).toBe(true);
    expect(store.get('c1', 'f3').ok).toBe(true);
    expect(() => store.require('c1', 'f1')).toThrow(PayloadUnavailableError);
  });

  it('says "unknown reference" for a ref it never kept', () => {
    const store = new PayloadStore();
    const found = store.get('c1', 'm7');
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.message).toMatch(/^unknown reference/);
  });

  it('copies a small view of a large buffer instead of pinning the buffer', () => {
    const store = new PayloadStore({ maxPayload: 100, budget: 1000 });
    const big = bytes(10_000);
    store.keep('c1', 'f1', big.subarray(0, 10));
    expect(store.require('c1', 'f1').buffer.byteLength).toBe(10);
  });
});

describe('whole payloads from the protocol stages', () => {
  const frameBytes = (payload: Uint8Array, fin = true, opcode = 2): Uint8Array => {
    const head = [(fin ? 0x80 : 0) | opcode, 127, 0, 0, 0, 0, 0, 0, 0, 0];
    const view = new DataView(new Uint8Array(head).buffer);
    view.setUint32(6, payload.length);
    const out = new Uint8Array(10 + payload.length);
    out.set(new Uint8Array(view.buffer));
    out.set(payload, 10);
    return out;
  };

  it('keeps a frame whole up to keepWholePayload, with the preview still capped', () => {
    const parser = new FrameParser({ direction: 's2c', maxCapturedPayload: 16, keepWholePayload: 100_000 });
    const payload = bytes(70_000, 9);
    const [frame] = parser.accept(frameBytes(payload)).frames;
    expect(frame?.payload.length).toBe(16);
    expect(frame?.truncated).toBe(true);
    expect(frame?.wholePayload?.length).toBe(70_000);
  });

  it('keeps only the preview of a frame over keepWholePayload', () => {
    const parser = new FrameParser({ direction: 's2c', maxCapturedPayload: 16, keepWholePayload: 1000 });
    const [frame] = parser.accept(frameBytes(bytes(70_000))).frames;
    expect(frame?.wholePayload).toBeUndefined();
    expect(frame?.truncated).toBe(true);
  });

  it('assembles a fragmented message whole', () => {
    const parser = new FrameParser({ direction: 's2c', maxCapturedPayload: 16, keepWholePayload: 1000 });
    const assembler = new MessageAssembler({
      direction: 's2c',
      maxCapturedPayload: 16,
      keepWholeMessage: 1000,
    });
    const { frames } = parser.accept(
      new Uint8Array([...frameBytes(bytes(300, 1), false), ...frameBytes(bytes(300, 2), true, 0)]),
    );
    const message = frames.map((f, i) => assembler.accept(f, i).message).find((m) => m !== undefined);
    expect(message?.truncated).toBe(true);
    expect(message?.data.length).toBe(16);
    expect(message?.wholeData?.length).toBe(600);
    expect(message?.wholeData?.[299]).toBe(1);
    expect(message?.wholeData?.[300]).toBe(2);
  });
});

describe('withFullPayloads', () => {
  it('puts the full payload in place of the preview and drops the ref', () => {
    const store = new PayloadStore();
    store.keep('c1', 'f3', new Uint8Array([1, 2, 3, 4]));
    const event = {
      type: 'frame',
      conn: 'c1',
      t: 1,
      frame: { seq: 3, data: 'AQI=', truncated: true, ref: 'f3', payloadLength: 4 },
    } as unknown as CaptureEvent;
    const [out] = withFullPayloads([event], store);
    expect(out).toMatchObject({ frame: { data: 'AQIDBA==', truncated: false } });
    expect(out?.type === 'frame' && out.frame.ref).toBeUndefined();
  });
});
