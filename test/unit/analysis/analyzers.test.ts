import { describe, expect, it } from 'vitest';
import {
  analyzeHeartbeat,
  attributeClose,
  diffHeaders,
  findSilentGaps,
  groupByConnection,
  isHopByHop,
  matchIdleTimeouts,
  safeHeartbeatMs,
} from '../../../shared/analysis/index.js';
import { conn } from './builders.js';

describe('attributeClose', () => {
  it('names the sender of the first close frame, the reply, and the silence per direction before it', () => {
    const b = conn('a')
      .handshake()
      .text(100, 'c2s')
      .text(5_000, 's2c')
      .cleanClose(20_000, 'server', 1001, 'restart');
    const c = attributeClose(b.events);
    expect(c.initiator).toBe('server');
    expect(c.kind).toBe('close-frame');
    expect(c.firstClose).toMatchObject({ side: 'server', code: 1001, reason: 'restart' });
    expect(c.replyClose).toMatchObject({ side: 'client', code: 1001 });
    expect(c.silenceBefore).toEqual({ c2s: 19_900, s2c: 15_000 });
    expect(c.closingHandshakeComplete).toBe(true);
  });

  it('without close frames uses the first FIN or RST', () => {
    const b = conn('a').handshake().tcp(500, 'fin', 'client').tcp(501, 'rst', 'server').end(502);
    const c = attributeClose(b.events);
    expect(c.initiator).toBe('client');
    expect(c.kind).toBe('tcp-fin');
    expect(c.firstFin?.side).toBe('client');
    expect(c.firstRst?.side).toBe('server');
    expect(c.firstTcpEnd?.kind).toBe('fin');
  });
});

describe('analyzeHeartbeat', () => {
  it('pairs pings with pongs by payload and measures RTT, interval and drift', () => {
    const b = conn('h')
      .handshake()
      .ping(1_000, 's2c', 'MQ==')
      .pong(1_020, 'c2s', 'MQ==')
      .ping(11_000, 's2c', 'Mg==')
      .pong(11_050, 'c2s', 'Mg==')
      .ping(25_000, 's2c', 'Mw==')
      .pong(25_010, 'c2s', 'Mw==')
      .pong(26_000, 's2c', '')
      .cleanClose(27_000, 'client');
    const hb = analyzeHeartbeat(b.events);
    expect(hb.pings.map((p) => p.rttMs)).toEqual([20, 50, 10]);
    expect(hb.unanswered).toEqual([]);
    expect(hb.unsolicitedPongs).toEqual([6]);
    expect(hb.intervalMs).toBe(12_000);
    expect(hb.maxDriftMs).toBe(2_000);
    expect(hb.rtt).toEqual({ minMs: 10, medianMs: 20, maxMs: 50 });
  });

  it('counts pings without pongs, but not a recent one on an open connection', () => {
    const b = conn('h').handshake().ping(1_000, 'c2s').ping(20_000, 'c2s');
    expect(analyzeHeartbeat(b.events, { now: 21_000 }).unanswered.map((p) => p.t)).toEqual([1_000]);
    b.tcp(21_500, 'fin', 'server');
    expect(analyzeHeartbeat(b.events).unanswered).toHaveLength(2);
  });

  it('reports gaps over the threshold', () => {
    const b = conn('h').handshake().text(1_000, 'c2s').text(40_000, 's2c').text(41_000, 'c2s');
    const hb = analyzeHeartbeat(b.events, { gapThresholdMs: 30_000, now: 42_000 });
    expect(hb.largestGap?.durationMs).toBe(39_000);
    expect(hb.gapsOverThreshold).toHaveLength(1);
  });
});

describe('findSilentGaps', () => {
  it('covers upgrade→first frame, between frames and the final gap up to TCP end', () => {
    const b = conn('g')
      .handshake(0)
      .text(1_003, 'c2s')
      .text(1_503, 's2c')
      .tcp(4_503, 'fin', 'server')
      .end(4_504);
    const gaps = findSilentGaps(b.events);
    expect(gaps.map((g) => [g.durationMs, g.afterSeq, g.beforeSeq, g.final])).toEqual([
      [1_000, undefined, 0, false],
      [500, 0, 1, false],
      [3_000, 1, undefined, true],
    ]);
    expect(findSilentGaps(b.events, { minMs: 1_000 })).toHaveLength(2);
  });

  it('ends the open period at the first close frame', () => {
    const b = conn('g').handshake(0).text(1_003, 'c2s').cleanClose(2_003, 'client');
    expect(findSilentGaps(b.events).map((g) => g.durationMs)).toEqual([1_000, 1_000]);
  });

  it('returns nothing for a connection that never opened', () => {
    expect(findSilentGaps(conn('g').start(0).request(1).response(2, 404).end(3).events)).toEqual([]);
  });
});

describe('diffHeaders', () => {
  it('compares names case-insensitively and flags hop-by-hop headers', () => {
    const d = diffHeaders(
      [
        { name: 'Host', value: 'a' },
        { name: 'Upgrade', value: 'websocket' },
        { name: 'Connection', value: 'Upgrade' },
        { name: 'X-Trace', value: '1' },
        { name: 'Accept', value: 'x' },
        { name: 'accept', value: 'y' },
      ],
      [
        { name: 'host', value: 'b' },
        { name: 'x-trace', value: '1' },
        { name: 'Accept', value: 'x, y' },
        { name: 'X-Forwarded-For', value: '127.0.0.1' },
        { name: 'Proxy-Authorization', value: 'Basic x' },
      ],
    );
    expect(d.entries.map((e) => [e.name, e.change, e.hopByHop])).toEqual([
      ['Host', 'changed', false],
      ['Upgrade', 'removed', true],
      ['Connection', 'removed', true],
      ['X-Trace', 'same', false],
      ['Accept', 'same', false],
      ['X-Forwarded-For', 'added', false],
      ['Proxy-Authorization', 'added', true],
    ]);
    expect([d.added, d.removed, d.changed]).toEqual([2, 2, 1]);
  });

  it('knows the hop-by-hop list', () => {
    for (const name of [
      'Connection',
      'upgrade',
      'Keep-Alive',
      'Proxy-Connection',
      'TE',
      'Trailer',
      'Trailers',
      'Transfer-Encoding',
    ])
      expect(isHopByHop(name)).toBe(true);
    expect(isHopByHop('Sec-WebSocket-Key')).toBe(false);
  });
});

describe('idle timeouts', () => {
  it('matches a measured silence to vendor defaults within tolerance', () => {
    expect(matchIdleTimeouts(60_400).map((m) => m.component)).toContain('nginx');
    expect(matchIdleTimeouts(55_300).map((m) => m.component)).toEqual(['Heroku router']);
    expect(matchIdleTimeouts(96_000).map((m) => m.component)).toEqual(['Cloudflare proxy']);
    expect(matchIdleTimeouts(240_500).map((m) => m.component)).toEqual(['Azure Load Balancer']);
    expect(matchIdleTimeouts(45_000)).toEqual([]);
    expect(safeHeartbeatMs(55_000)).toBe(27_500);
  });
});

describe('groupByConnection', () => {
  it('keeps first-seen order and per-connection capture order', () => {
    const a = conn('a').handshake(0).events;
    const b = conn('b').handshake(1).events;
    const mixed = [a[0], b[0], a[1], b[1]].filter((e) => e !== undefined);
    const groups = groupByConnection(mixed);
    expect([...groups.keys()]).toEqual(['a', 'b']);
    expect(groups.get('a')?.map((e) => e.type)).toEqual(['connection', 'tcp']);
  });
});
