import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MemoryBudget } from '../../../main/session/memory-budget.js';
import type { CaptureEvent } from '../../../shared/model/events.js';

const payload = Buffer.alloc(3000, 0x61).toString('base64'); // 4000 characters
const frame = (t: number, seq: number, opcode = 1, dir: 'c2s' | 's2c' = 's2c'): CaptureEvent => ({
  type: 'frame',
  conn: 'c1',
  t,
  frame: {
    seq,
    dir,
    offset: 0,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode,
    masked: false,
    lengthEncoding: 16,
    headerLength: 4,
    payloadLength: 3000,
    data: payload,
    truncated: false,
  },
});
const message = (t: number, id: number): CaptureEvent => ({
  type: 'message',
  conn: 'c1',
  t,
  message: {
    id,
    dir: 's2c',
    opcode: 1,
    frames: [id],
    wireSize: 3000,
    size: 3000,
    compressed: false,
    data: payload,
    truncated: false,
  },
});

function run(events: CaptureEvent[], softBytes: number, hardBytes: number): CaptureEvent[] {
  const kept: CaptureEvent[] = [];
  const budget = new MemoryBudget({ softBytes, hardBytes }, (event) => kept.push(event));
  for (const event of events) budget.admit(event);
  return kept;
}

describe('memory budget of the live session', () => {
  it('keeps everything while under the soft limit', () => {
    const events = [frame(1, 1), message(1, 1), frame(2, 2), message(2, 2)];
    expect(run(events, 1e9, 2e9)).toEqual(events);
  });

  it('cuts data payload previews to 255 bytes past the soft limit, marked truncated', () => {
    const kept = run([frame(1, 1), frame(2, 2), message(2, 2)], 1, 1e9);
    expect(kept[0]).toEqual(frame(1, 1));
    const cut = kept[1];
    expect(cut?.type === 'frame' && cut.frame).toMatchObject({ truncated: true, payloadLength: 3000 });
    expect(cut?.type === 'frame' && Buffer.from(cut.frame.data, 'base64').length).toBe(255);
    expect(kept[2]?.type === 'message' && kept[2].message.data.length).toBe(340);
  });

  it('cut previews do not keep the original payload strings alive', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const kept: CaptureEvent[] = [];
    const budget = new MemoryBudget({ softBytes: 0, hardBytes: 1e12 }, (event) => kept.push(event));
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1000; i++) {
      // A fresh 64 KiB payload each time (87 KB of base64), as the recorder makes them.
      const data = Buffer.alloc(65536, i % 251).toString('base64');
      const event = frame(i, 1);
      if (event.type === 'frame') event.frame = { ...event.frame, data, payloadLength: 65536 };
      budget.admit(event);
    }
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    expect(kept).toHaveLength(1000);
    // 1000 previews of 340 characters: well under a megabyte; views into the originals would hold ~87 MB.
    expect(retained).toBeLessThan(10 * 1024 * 1024);
  });

  it('past the hard limit counts data frames in dropped records, keeps control frames, reports before the end', () => {
    const events: CaptureEvent[] = [frame(0, 1)];
    for (let i = 2; i <= 11; i++) events.push(frame(i, i), message(i, i));
    events.push(frame(20, 12, 0x8), { type: 'end', conn: 'c1', t: 21 });
    const kept = run(events, 1, 1);
    expect(kept.map((e) => e.type)).toEqual(['frame', 'dropped', 'frame', 'end']);
    expect(kept[1]).toEqual({
      type: 'dropped',
      conn: 'c1',
      t: 11,
      dir: 's2c',
      frames: 10,
      bytes: 10 * 3004,
      reason: 'memory',
    });
    expect(kept[2]?.type === 'frame' && kept[2].frame.opcode).toBe(0x8);
  });

  it('reports drops at least once a second while a connection keeps streaming, and the rest before its end', () => {
    const events: CaptureEvent[] = [frame(0, 1)];
    for (let i = 0; i < 30; i++) events.push(frame(100 * i, i + 2));
    events.push({ type: 'end', conn: 'c1', t: 3000 });
    const kept = run(events, 1, 1);
    expect(kept.map((e) => (e.type === 'dropped' ? [e.t, e.frames] : e.type))).toEqual([
      'frame',
      [1000, 11],
      [2100, 11],
      [2900, 8],
      'end',
    ]);
  });
});
