import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import {
  chunkEvents,
  restoreSharedData,
  shareMessageData,
} from '../../../main/proxy/capture-worker-protocol.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { FrameRecord, MessageRecord } from '../../../shared/model/frame.js';

const frame = (seq: number, dir: 'c2s' | 's2c', data: string): FrameRecord => ({
  seq,
  dir,
  offset: 0,
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode: 1,
  masked: dir === 'c2s',
  lengthEncoding: 7,
  headerLength: 2,
  payloadLength: 3,
  data,
  truncated: false,
});
const message = (id: number, dir: 'c2s' | 's2c', data: string): MessageRecord => ({
  id,
  dir,
  opcode: 1,
  frames: [id],
  wireSize: 3,
  size: 3,
  compressed: false,
  data,
  truncated: false,
});

describe('message payloads across the worker boundary', () => {
  it('sends a one-frame message payload once and restores it on the other side', () => {
    const payload = 'x'.repeat(50_000);
    const events: CaptureEvent[] = [
      { type: 'frame', conn: 'c1', t: 1, frame: frame(0, 'c2s', payload) },
      { type: 'frame', conn: 'c1', t: 2, frame: frame(1, 's2c', 'b3RoZXI=') },
      { type: 'message', conn: 'c1', t: 3, message: message(0, 'c2s', payload) },
      // Different payload (e.g. inflated): kept as is.
      { type: 'message', conn: 'c1', t: 4, message: message(1, 's2c', 'aW5mbGF0ZWQ=') },
    ];
    const original = structuredClone(events);
    const shared = shareMessageData(events);
    expect(shared).toEqual([[2, 0]]);
    const wire = serialize({ events, shared });
    expect(wire.length).toBeLessThan(payload.length * 1.5);
    const received = deserialize(wire) as { events: CaptureEvent[]; shared: [number, number][] };
    restoreSharedData(received.events, received.shared);
    expect(received.events).toEqual(original);
  });
});

describe('result chunks the relay thread takes one at a time', () => {
  const pair = (i: number, data: string): CaptureEvent[] => [
    { type: 'frame', conn: 'c1', t: i, frame: frame(i, 'c2s', data) },
    { type: 'message', conn: 'c1', t: i, message: message(i, 'c2s', data) },
  ];

  it('cuts by record count and by payload size, in order, never between a frame and its message', () => {
    const events = Array.from({ length: 10 }, (_, i) => pair(i, 'x'.repeat(100))).flat();
    const byCount = chunkEvents(events, { events: 3, dataChars: 1e9 });
    expect(byCount.flat()).toEqual(events);
    expect(byCount.map((c) => c.length)).toEqual([4, 4, 4, 4, 4]);
    for (const chunk of byCount) expect(chunk[0]?.type).toBe('frame');

    const bySize = chunkEvents(events, { events: 1000, dataChars: 400 });
    expect(bySize.flat()).toEqual(events);
    expect(bySize.map((c) => c.length)).toEqual([4, 4, 4, 4, 4]);
  });

  it('keeps a record larger than the limit whole, and shares its payload within the chunk', () => {
    const big = 'y'.repeat(10_000);
    const chunks = chunkEvents([...pair(0, 'z'.repeat(200)), ...pair(1, big), ...pair(2, 'small')], {
      events: 100,
      dataChars: 100,
    });
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2]);
    expect(shareMessageData(chunks[1]!)).toEqual([[1, 0]]);
  });

  it('makes no chunk of nothing', () => {
    expect(chunkEvents([])).toEqual([]);
  });
});
