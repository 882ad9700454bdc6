import { describe, expect, it } from 'vitest';
import {
  binFrames,
  FRAME_KIND,
  FRAME_KINDS,
  laneBuilder,
  lowerBound,
  visibleFrames,
} from '../../../renderer/src/timeline/binning.js';
import {
  clampRange,
  formatTick,
  niceStep,
  panRange,
  timeTicks,
  zoomRange,
} from '../../../renderer/src/timeline/scale.js';
import { deriveTimeline, visibleGaps } from '../../../renderer/src/timeline/timeline-data.js';
import { IDLE_PRESETS } from '../../../renderer/src/timeline/idle-presets.js';
import { ConnBuilder } from '../analysis/builders.js';

describe('tick generation', () => {
  it('picks 1-2-5 steps', () => {
    expect(niceStep(1000, 10)).toBe(100);
    expect(niceStep(1000, 4)).toBe(500);
    expect(niceStep(1000, 6)).toBe(200);
    expect(niceStep(7, 7)).toBe(1);
    expect(niceStep(0.9, 9)).toBeCloseTo(0.1);
  });

  it('places ticks on round values inside the range, without float drift', () => {
    const ticks = timeTicks({ start: 130, end: 1010 }, 800, 80);
    expect(ticks.map((t) => t.t)).toEqual([200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(ticks[0]?.label).toBe('0.2 s');
    expect(timeTicks({ start: 0, end: 100 }, 800, 80)[1]?.label).toBe('10 ms');
    const fine = timeTicks({ start: 0, end: 1 }, 1000, 100);
    expect(fine.map((t) => t.t)).toContain(0.3);
    expect(fine.find((t) => t.t === 0.3)?.label).toBe('0.3 ms');
  });

  it('labels by the step: ms, s, minutes', () => {
    expect(formatTick(250, 50)).toBe('250 ms');
    expect(formatTick(200, 100)).toBe('0.2 s');
    expect(formatTick(1500, 500)).toBe('1.5 s');
    expect(formatTick(2000, 1000)).toBe('2 s');
    expect(formatTick(90_000, 30_000)).toBe('90 s');
    expect(formatTick(150_000, 30_000)).toBe('2 min 30 s');
    expect(formatTick(240_000, 60_000)).toBe('4 min');
  });

  it('returns no ticks for an empty range or width', () => {
    expect(timeTicks({ start: 5, end: 5 }, 800)).toEqual([]);
    expect(timeTicks({ start: 0, end: 100 }, 0)).toEqual([]);
  });
});

describe('zoom and pan', () => {
  it('zooms around the anchor and keeps it in place', () => {
    const next = zoomRange({ start: 0, end: 1000 }, 0.5, 250, 1000);
    expect(next).toEqual({ start: 125, end: 625 });
  });

  it('never zooms out past the whole recording nor pans outside it', () => {
    expect(zoomRange({ start: 100, end: 600 }, 10, 300, 1000)).toEqual({ start: 0, end: 1000 });
    expect(panRange({ start: 100, end: 300 }, -500, 1000)).toEqual({ start: 0, end: 200 });
    expect(panRange({ start: 100, end: 300 }, 5000, 1000)).toEqual({ start: 800, end: 1000 });
    expect(clampRange({ start: -5, end: 50 }, 1000)).toEqual({ start: 0, end: 55 });
  });
});

describe('binning per pixel column', () => {
  const lane = (() => {
    const b = laneBuilder(2);
    for (let i = 0; i < 100_000; i++) b.push(i, i % 100 === 0 ? FRAME_KIND.control : FRAME_KIND.data, i, 1);
    b.push(100_000, FRAME_KIND.violation, 100_000, 2);
    return b.finish();
  })();

  it('grows past its initial capacity and finds by time', () => {
    expect(lane.count).toBe(100_001);
    expect(lowerBound(lane.t, lane.count, 500.5)).toBe(501);
    expect(lowerBound(lane.t, lane.count, -1)).toBe(0);
    expect(lowerBound(lane.t, lane.count, 1e9)).toBe(lane.count);
  });

  it('counts every visible frame once, by kind, in its column', () => {
    const bins = binFrames(lane, 0, 100_000, 1000);
    expect(bins.visible).toBe(100_001);
    let total = 0;
    for (const c of bins.counts) total += c;
    expect(total).toBe(100_001);
    expect(bins.counts[0 * FRAME_KINDS + FRAME_KIND.data]).toBe(99);
    expect(bins.counts[0 * FRAME_KINDS + FRAME_KIND.control]).toBe(1);
    expect(bins.counts[999 * FRAME_KINDS + FRAME_KIND.violation]).toBe(1);
    expect(bins.max).toBe(101);
  });

  it('visits only the frames in the range', () => {
    const bins = binFrames(lane, 2000, 2099, 10);
    expect(bins.visible).toBe(100);
    expect(visibleFrames(lane, 10, 19, 50)).toHaveLength(10);
    expect(visibleFrames(lane, 0, 1000, 50)).toBeNull();
  });
});

describe('deriveTimeline', () => {
  const events = new ConnBuilder('c1')
    .start(100)
    .handshake(100)
    .text(200, 'c2s')
    .ping(300, 'c2s')
    .pong(305, 's2c')
    .text(400, 's2c')
    .tcp(5400, 'fin', 'server')
    .end(5401).events;

  it('puts frames on lanes, pairs ping and pong, finds the silence and who closed, relative to the connection', () => {
    const data = deriveTimeline(events);
    expect(data.origin).toBe(100);
    expect(data.lanes.c2s.count).toBe(2);
    expect(data.lanes.s2c.count).toBe(2);
    expect(data.lanes.c2s.kind[1]).toBe(FRAME_KIND.control);
    expect(data.pings).toEqual([{ seq: 1, t: 200, side: 'client', pongT: 205, rttMs: 5 }]);
    const longest = data.gaps.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
    expect(longest).toMatchObject({ startT: 300, endT: 5300, durationMs: 5000, final: true });
    expect(data.close).toMatchObject({ t: 5300, initiator: 'server', kind: 'tcp-fin' });
    expect(data.close?.label).toBe('closed by server · TCP FIN, no close frame');
  });

  it('draws application-level heartbeats with their replies, marking the ones the analyzer counts as missing', () => {
    const beat = (text: string) => ({
      data: Buffer.from(text).toString('base64'),
      payloadLength: Buffer.byteLength(text),
    });
    const app = new ConnBuilder('c3')
      .start(0)
      .handshake(0)
      .frame(100, 'c2s', 1, beat('{"type":"ping"}'))
      .frame(130, 's2c', 1, beat('{"type":"pong"}'))
      .frame(200, 'c2s', 1, beat('{"type":"ping"}'))
      .tcp(900, 'fin', 'server')
      .end(901).events;
    const data = deriveTimeline(app);
    expect(data.pings).toEqual([
      { seq: 0, t: 100, side: 'client', app: 'JSON "type": "ping"/"pong"', pongT: 130, rttMs: 30 },
      { seq: 2, t: 200, side: 'client', app: 'JSON "type": "ping"/"pong"', missing: true },
    ]);
  });

  it('draws decoded request/response pairs next to the heartbeats, unanswered ones marked', () => {
    const rpc = new ConnBuilder('c4')
      .handshake(0)
      .message(100, 'c2s', '{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":1}')
      .message(112, 's2c', '{"jsonrpc":"2.0","result":3,"id":1}')
      .message(200, 'c2s', '{"jsonrpc":"2.0","method":"slow","id":2}')
      .tcp(900, 'fin', 'server')
      .end(901).events;
    expect(deriveTimeline(rpc).pings).toEqual([
      { seq: 0, t: 100, side: 'client', app: 'JSON-RPC id 1', request: true, pongT: 112, rttMs: 12 },
      { seq: 2, t: 200, side: 'client', app: 'JSON-RPC id 2', request: true, missing: true },
    ]);
    // Turning the decoder off for the connection removes them.
    expect(deriveTimeline(rpc, undefined, 'none').pings).toEqual([]);
  });

  it('names the close code of a close frame', () => {
    const closed = new ConnBuilder('c2').start(0).handshake(0).close(50, 's2c', 4001, 'bye').events;
    expect(deriveTimeline(closed).close?.label).toBe('closed by server · close frame 4001 “bye”');
  });

  it('keeps the gaps wide enough to draw', () => {
    const data = deriveTimeline(events);
    const shown = visibleGaps(data.gaps, 0, 6000, 0.01, 6);
    expect(shown.map((g) => g.durationMs)).toEqual([5000]);
  });
});

describe('idle presets', () => {
  it('take their values from shared/analysis', () => {
    expect(Object.fromEntries(IDLE_PRESETS.map((p) => [p.id, p.ms]))).toEqual({
      nginx: 60_000,
      'aws-alb': 60_000,
      heroku: 55_000,
      cloudflare: 100_000,
      'azure-lb': 240_000,
    });
  });
});
