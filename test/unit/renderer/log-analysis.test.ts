import { describe, expect, it, vi } from 'vitest';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { analyzeLog, feedAppended } from '../../../renderer/src/store/log-analysis.js';
import { conn } from '../analysis/builders.js';

describe('analyzeLog (findings of a growing connection log)', () => {
  it('equals analyzeSession over the log so far after each batch, and follows a decoder override', () => {
    const builder = conn('c1', 'client', 'ws://h.test/socket.io/?EIO=4&transport=websocket').handshake(0);
    for (let i = 0; i < 400; i++) {
      builder.message(10 + i * 50, 'c2s', i % 4 ? `42["ask",${i}]` : '2');
      if (i % 4 === 0 && i !== 200) builder.message(11 + i * 50, 's2c', '3');
      if (i % 50 === 0) builder.ping(12 + i * 50, 's2c');
    }
    builder.close(30_000, 's2c', 1011, 'overloaded').tcp(30_001, 'fin', 'server');
    const events = builder.events;
    const log = new ConnectionLog();
    const header = { startedAt: 1_700_000_000_000 };
    let appended = 0;
    for (const cut of [5, 120, 121, 700, events.length]) {
      for (; appended < cut; appended++) log.append(events[appended]!);
      const now = events[cut - 1]!.t + 70_000;
      const expected = analyzeSession({ header, events: events.slice(0, cut) }, { now });
      expect(
        analyzeLog(log, { conn: 'c1', startedAt: header.startedAt, now, recordingEnded: false }),
      ).toEqual(expected);
    }
    const ended = analyzeLog(log, { conn: 'c1', startedAt: header.startedAt, recordingEnded: true });
    expect(ended).toEqual(analyzeSession({ header, events }, { recordingEnded: true }));
    expect(ended.findings.length).toBeGreaterThan(0);
    const off = analyzeLog(log, {
      conn: 'c1',
      startedAt: header.startedAt,
      decoder: 'none',
      recordingEnded: true,
    });
    expect(off).toEqual(
      analyzeSession({ header, events }, { recordingEnded: true, decoders: { c1: 'none' } }),
    );
    expect(off).not.toEqual(ended);
  });

  it('answers a second asker with nothing new from the last analysis, and analyses again once records arrive', () => {
    const builder = conn('c1', 'client', 'ws://h.test/').handshake(0).text(5, 's2c');
    const log = new ConnectionLog();
    for (const event of builder.events) log.append(event);
    const request = { conn: 'c1', startedAt: 0, now: 100, recordingEnded: false };
    const first = analyzeLog(log, request);
    expect(analyzeLog(log, { ...request })).toBe(first);
    expect(analyzeLog(log, { ...request, now: 200 })).not.toBe(first);
    log.append(builder.ping(6, 'c2s').events.at(-1)!);
    const later = analyzeLog(log, { ...request, now: 200 });
    expect(later).toEqual(analyzeSession({ header: { startedAt: 0 }, events: builder.events }, { now: 200 }));
  });

  it('gives the same findings for records fed as they are appended as for records rebuilt from the columns', () => {
    const builder = conn('c1', 'client', 'ws://h.test/socket.io/?EIO=4&transport=websocket').handshake(0);
    for (let i = 0; i < 300; i++) {
      builder.message(10 + i * 40, i % 3 ? 'c2s' : 's2c', i % 5 ? `42["tick",${i}]` : '2');
      if (i % 60 === 0) builder.ping(11 + i * 40, 'c2s');
    }
    builder.close(20_000, 'c2s', 1000, 'bye').tcp(20_001, 'fin', 'client');
    const events = builder.events;
    const request = { conn: 'c1', startedAt: 0, recordingEnded: true };
    const fed = new ConnectionLog();
    const rebuilt = new ConnectionLog();
    let appended = 0;
    // The fed log's analysis is asked for early, so every later record reaches it as it is appended.
    for (const cut of [3, 200, events.length]) {
      for (; appended < cut; appended++) {
        fed.append(events[appended]!);
        feedAppended(fed, events[appended]!);
        rebuilt.append(events[appended]!);
      }
      analyzeLog(fed, request);
    }
    const expected = analyzeLog(rebuilt, request);
    expect(analyzeLog(fed, request)).toEqual(expected);
    expect(expected).toEqual(analyzeSession({ header: { startedAt: 0 }, events }, { recordingEnded: true }));
    expect(expected.findings.length).toBeGreaterThan(0);
  });

  it('leaves a record to be rebuilt from the columns when the analysis is not up to date', () => {
    const builder = conn('c1', 'client', 'ws://h.test/').handshake(0).text(5, 's2c').text(6, 'c2s');
    const log = new ConnectionLog();
    const request = { conn: 'c1', startedAt: 0, recordingEnded: true };
    log.append(builder.events[0]!);
    analyzeLog(log, request);
    // Appended without being fed: the analysis is one behind, so feeding the next one must not skip it.
    log.append(builder.events[1]!);
    log.append(builder.events[2]!);
    feedAppended(log, builder.events[2]!);
    expect(analyzeLog(log, request)).toEqual(
      analyzeSession(
        { header: { startedAt: 0 }, events: builder.events.slice(0, 3) },
        { recordingEnded: true },
      ),
    );
  });

  it('reuses a slow live analysis for twenty times as long as it took, then works the findings out again', () => {
    const builder = conn('c1', 'client', 'ws://h.test/').handshake(0).text(5, 's2c');
    const log = new ConnectionLog();
    for (const event of builder.events) log.append(event);
    const request = { conn: 'c1', startedAt: 0, recordingEnded: false };
    // Every reading of the clock is 100 ms after the one before: each analysis seems to take 100 ms.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 100));
    try {
      const slow = analyzeLog(log, { ...request, now: 1000 });
      expect(analyzeLog(log, { ...request, now: 2000 })).toBe(slow);
      clock += 2000;
      const later = analyzeLog(log, { ...request, now: 3000 });
      expect(later).not.toBe(slow);
      expect(later).toEqual(
        analyzeSession({ header: { startedAt: 0 }, events: builder.events }, { now: 3000 }),
      );
      // The end of the recording is a different question: answered at once.
      expect(analyzeLog(log, { ...request, recordingEnded: true })).toEqual(
        analyzeSession({ header: { startedAt: 0 }, events: builder.events }, { recordingEnded: true }),
      );
    } finally {
      now.mockRestore();
    }
  });
});
