import { describe, expect, it } from 'vitest';
import { deserialize, serialize } from 'node:v8';
import { chunkEvents } from '../../../main/proxy/capture-worker-protocol.js';
import { packRecords, unpackRecords, type PackedRecord } from '../../../main/proxy/record-packing.js';
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

describe('records across the worker boundary', () => {
  const cross = (events: CaptureEvent[]): { back: CaptureEvent[]; wireBytes: number } => {
    const wire = serialize(packRecords(events));
    return { back: unpackRecords(deserialize(wire) as PackedRecord[]), wireBytes: wire.length };
  };

  it('rebuilds every field of frames and one-frame messages, optional ones only where present', () => {
    const masked = { ...frame(0, 'c2s', 'aGk='), maskKey: '0a0b0c0d', messageId: 0 };
    const truncated = {
      ...frame(1, 's2c', 'cGFydA=='),
      truncated: true,
      ref: 'f1',
      messageId: 1,
      rsv1: true,
    };
    const control = { ...frame(2, 's2c', ''), opcode: 9, fin: true };
    const events: CaptureEvent[] = [
      { type: 'frame', conn: 'c1', t: 1.5, frame: masked },
      { type: 'message', conn: 'c1', t: 1.5, message: { ...message(0, 'c2s', 'aGk='), utf8Valid: true } },
      { type: 'frame', conn: 'c1', t: 2, frame: { ...truncated, payloadLength: 70000 } },
      {
        type: 'message',
        conn: 'c1',
        t: 2,
        message: {
          ...message(1, 's2c', 'cGFydA=='),
          frames: [1],
          wireSize: 70000,
          size: 70000,
          truncated: true,
          ref: 'f1',
        },
      },
      { type: 'frame', conn: 'c1', t: 3, frame: control },
    ];
    expect(packRecords(events).every((p) => Array.isArray(p))).toBe(true);
    // Strict: no optional field comes back as an explicit undefined.
    expect(cross(events).back).toStrictEqual(events);
  });

  it('sends a one-frame message payload once', () => {
    const payload = 'x'.repeat(50_000);
    const events: CaptureEvent[] = [
      { type: 'frame', conn: 'c1', t: 1, frame: { ...frame(0, 'c2s', payload), messageId: 0 } },
      { type: 'message', conn: 'c1', t: 1, message: message(0, 'c2s', payload) },
    ];
    const { back, wireBytes } = cross(events);
    expect(back).toStrictEqual(events);
    expect(wireBytes).toBeLessThan(payload.length * 1.2);
  });

  it('sends anything else whole: close frames, violations, compressed or multi-frame messages, other records', () => {
    const events: CaptureEvent[] = [
      {
        type: 'frame',
        conn: 'c1',
        t: 1,
        frame: { ...frame(0, 's2c', 'A+g='), opcode: 8, close: { code: 1000 } },
      },
      {
        type: 'frame',
        conn: 'c1',
        t: 2,
        frame: { ...frame(1, 'c2s', 'eA=='), violations: ['RSV_WITHOUT_EXTENSION'], messageId: 1 },
      },
      {
        type: 'message',
        conn: 'c1',
        t: 2,
        message: { ...message(1, 'c2s', 'eHl6'), compressed: true, size: 3 },
      },
      { type: 'frame', conn: 'c1', t: 3, frame: { ...frame(2, 'c2s', 'YQ=='), fin: false, messageId: 2 } },
      { type: 'frame', conn: 'c1', t: 4, frame: { ...frame(3, 'c2s', 'Yg=='), opcode: 0, messageId: 2 } },
      {
        type: 'message',
        conn: 'c1',
        t: 4,
        message: { ...message(2, 'c2s', 'YWI='), frames: [2, 3], wireSize: 2, size: 2 },
      },
      { type: 'tcp', conn: 'c1', t: 5, leg: 'downstream', kind: 'fin', side: 'client' },
      { type: 'end', conn: 'c1', t: 6 },
    ];
    const packed = packRecords(events);
    expect(packed.filter((p) => !Array.isArray(p))).toHaveLength(6);
    expect(cross(events).back).toStrictEqual(events);
  });
});

describe('result chunks the relay thread takes one at a time', () => {
  const pair = (i: number, data: string): CaptureEvent[] => [
    { type: 'frame', conn: 'c1', t: i, frame: { ...frame(i, 'c2s', data), messageId: i } },
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

  it('keeps a record larger than the limit whole, its message in the same chunk', () => {
    const big = 'y'.repeat(10_000);
    const chunks = chunkEvents([...pair(0, 'z'.repeat(200)), ...pair(1, big), ...pair(2, 'small')], {
      events: 100,
      dataChars: 100,
    });
    expect(chunks.map((c) => c.length)).toEqual([2, 2, 2]);
    expect(packRecords(chunks[1]!).filter((p) => !Array.isArray(p))).toHaveLength(0);
  });

  it('makes no chunk of nothing', () => {
    expect(chunkEvents([])).toEqual([]);
  });
});
