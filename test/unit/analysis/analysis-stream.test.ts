import { describe, expect, it } from 'vitest';
import { AnalysisStream, analyzeSession } from '../../../shared/analysis/index.js';
import type { AnalysisOptions } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { conn, header } from './builders.js';

const streamed = (events: readonly CaptureEvent[], options: AnalysisOptions) => {
  const stream = new AnalysisStream(options);
  for (const event of events) stream.push(event);
  return stream.result(header);
};

/** Interleaved connections: heartbeats, app-level pings, silences, a protocol decoded past its first 64 messages. */
function mixedSession(): CaptureEvent[] {
  const plain = conn('plain', 'proxy').handshake(0);
  const socketIo = conn('sio', 'client', 'ws://example.test/socket.io/?EIO=4&transport=websocket').handshake(
    1,
  );
  for (let i = 0; i < 300; i++) {
    const t = 10 + i * 100;
    plain.message(t, i % 2 ? 's2c' : 'c2s', JSON.stringify({ type: 'tick', n: i }));
    if (i % 20 === 0) plain.ping(t + 1, 'c2s');
    if (i % 20 === 0 && i !== 200) plain.pong(t + 2, 's2c');
    if (i % 30 === 0) plain.message(t + 3, 'c2s', '{"type":"ping"}');
    if (i % 30 === 0 && i < 250) plain.message(t + 4, 's2c', '{"type":"pong"}');
    socketIo.message(t + 5, 'c2s', i % 3 ? `42${i}["ask",{}]` : '2');
    if (i % 3 && i !== 150) socketIo.message(t + 6, 's2c', `43${i}[{}]`);
    else if (i % 3 === 0) socketIo.message(t + 6, 's2c', '3');
  }
  plain.text(80_000, 'c2s').close(80_001, 's2c', 1001, 'going away').tcp(80_002, 'fin', 'server', 'upstream');
  const a = plain.events;
  const b = socketIo.events; // no end: cut
  const out: CaptureEvent[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) out.push(a[i]!);
    if (b[i]) out.push(b[i]!);
  }
  return out;
}

describe('AnalysisStream', () => {
  it('gives what analyzeSession gives on the same records, keeping slim frames only', () => {
    const events = mixedSession();
    for (const options of [{ recordingEnded: true }, { recordingEnded: true, idleThresholdMs: 60_000 }, {}]) {
      const expected = analyzeSession({ header, events }, options);
      expect(expected.findings.length).toBeGreaterThan(2);
      expect(streamed(events, options)).toEqual(expected);
    }
  });

  it('can be asked again as records keep coming (a live view), equal to analyzing the records so far', () => {
    const events = mixedSession();
    const stream = new AnalysisStream({});
    let fed = 0;
    for (const cut of [7, 150, 151, 900, 1400, events.length]) {
      for (; fed < cut; fed++) stream.push(events[fed]!);
      const so = events.slice(0, cut);
      const now = so[so.length - 1]!.t + 45_000;
      expect(stream.result(header, { now })).toEqual(analyzeSession({ header, events: so }, { now }));
    }
    expect(stream.result(header, { recordingEnded: true })).toEqual(
      analyzeSession({ header, events }, { recordingEnded: true }),
    );
  });
});

describe('AnalysisStream frame storage', () => {
  it('keeps frames with fields outside the packed columns exactly (records not from a validated file)', () => {
    const b = conn('odd').handshake(0);
    b.text(10, 'c2s');
    b.frame(11, 's2c', 300, { headerLength: 1000 });
    b.frame(12, 'c2s', 1, { fin: 1 as unknown as boolean });
    b.text(13, 's2c', 2 ** 60);
    b.ping(14, 'c2s').close(15, 's2c', 1001, 'bye').end(16);
    const options = { recordingEnded: true };
    expect(streamed(b.events, options)).toEqual(analyzeSession({ header, events: b.events }, options));
  });
});
