import { describe, expect, it } from 'vitest';
import { analyzeSession, formatTextReport } from '../../../shared/analysis/index.js';
import { toHar } from '../../../shared/export/index.js';
import { importHar, readSessionText } from '../../../shared/import/index.js';
import type { CaptureEvent, FrameEvent, MessageEvent } from '../../../shared/model/events.js';
import type { Session } from '../../../shared/model/session.js';
import { parseSession, serializeSession } from '../../../shared/session/index.js';
import { fromBase64 } from '../../../shared/util/base64.js';
import { sampleSession } from '../export/session-fixture.js';
import { chromeHar, firefoxHar, httpToolkitHar, STARTED } from './har-fixtures.js';

const text = (base64: string): string => new TextDecoder().decode(fromBase64(base64) ?? new Uint8Array());
const messagesOf = (events: readonly CaptureEvent[]): MessageEvent[] =>
  events.filter((e): e is MessageEvent => e.type === 'message');
const framesOf = (events: readonly CaptureEvent[]): FrameEvent[] =>
  events.filter((e): e is FrameEvent => e.type === 'frame');
const wall = (session: Session, t: number): number => session.header.startedAt + t;

describe('importHar: Chrome / Edge', () => {
  const { session, problems, skippedEntries } = importHar(JSON.stringify(chromeHar()));

  it('reads the WebSocket entry, skips and counts the page load', () => {
    expect(problems).toEqual([]);
    expect(skippedEntries).toBe(1);
    expect(session.header.imported).toMatchObject({
      format: 'har',
      creator: 'WebInspector',
      skippedEntries: 1,
    });
    expect(new Set(session.events.map((e) => e.conn))).toEqual(new Set(['har2']));
    const connection = session.events.find((e) => e.type === 'connection');
    expect(connection).toMatchObject({ url: 'wss://chat.example.test/socket?room=7', at: STARTED });
  });

  it('keeps every message: direction, opcode, time, data (binary from base64)', () => {
    const messages = messagesOf(session.events);
    expect(
      messages.map((m) => [m.message.dir, m.message.opcode, wall(session, m.t), text(m.message.data)]),
    ).toEqual([
      ['c2s', 1, STARTED + 20.25, '{"op":"join","room":7}'],
      ['s2c', 1, STARTED + 31.5, '{"op":"joined","n":2}'],
      ['s2c', 2, STARTED + 40, '\u0000\u0001\u0002\uFFFD'],
      ['c2s', 1, STARTED + 55.125, 'héllo ✓'],
    ]);
    expect([...fromBase64(messages[2]!.message.data)!]).toEqual([0, 1, 2, 255]);
    expect(messages[3]!.message.size).toBe(new TextEncoder().encode('héllo ✓').length);
  });

  it('keeps the handshake headers and status; the subprotocol comes from the response', () => {
    const request = session.events.find((e) => e.type === 'http-request');
    const response = session.events.find((e) => e.type === 'http-response');
    expect(request?.type === 'http-request' && request.head.headers).toContainEqual({
      name: 'Cookie',
      value: 'sid=abc',
    });
    expect(request?.type === 'http-request' && request.head.target).toBe('/socket?room=7');
    expect(response?.type === 'http-response' && [response.head.status, response.head.statusText]).toEqual([
      101,
      'Switching Protocols',
    ]);
    expect(session.events.find((e) => e.type === 'open')).toMatchObject({ protocol: 'chat.v1' });
  });

  it('invents nothing: no frames, no TCP, no end; all of it listed as unknown', () => {
    expect(framesOf(session.events)).toEqual([]);
    expect(session.events.some((e) => e.type === 'tcp' || e.type === 'end')).toBe(false);
    expect(session.header.imported?.unknown).toEqual(
      expect.arrayContaining(['frames', 'close', 'tcp', 'tls', 'raw-heads', 'accept']),
    );
  });

  it('the analysis says what it could not check, and the report leads with it', () => {
    const analysis = analyzeSession(session);
    expect(analysis.imported?.unchecked).toEqual(
      expect.arrayContaining([
        'close.abnormal',
        'heartbeat.gap',
        'protocol.violation',
        'handshake.bad-accept',
      ]),
    );
    expect(analysis.findings.filter((f) => analysis.imported!.unchecked.includes(f.id))).toEqual([]);
    const report = formatTextReport(analysis);
    expect(report.split('\n')[0]).toMatch(
      /^NOTE Imported from a HAR written by WebInspector\..*could not be checked: /,
    );
    expect(report).toContain('frames: unknown (the source holds whole messages only)');
    expect(report).toContain('close: unknown (not in the source)');
  });

  it('the imported session is a valid session file that reads back with its header', () => {
    const back = parseSession(serializeSession(session));
    expect(back.problems).toEqual([]);
    expect(back.session.header.imported).toEqual(session.header.imported);
    expect(back.session.events).toEqual(session.events);
  });
});

describe('importHar: Firefox', () => {
  const { session, problems, skippedEntries } = importHar(JSON.stringify(firefoxHar()));

  it('reads the handshake entry (status 101, no _resourceType) with its time zone offset', () => {
    expect(problems).toEqual([]);
    expect(skippedEntries).toBe(1);
    expect(session.events.find((e) => e.type === 'connection')).toMatchObject({ at: STARTED });
    expect(session.events.find((e) => e.type === 'open')).toBeDefined();
  });

  it('says that Firefox wrote no messages instead of showing an empty conversation as fact', () => {
    expect(messagesOf(session.events)).toEqual([]);
    expect(session.header.imported?.unknown).toContain('messages');
    expect(analyzeSession(session).imported?.notice).toContain(
      'WebSocket messages (this tool does not export them)',
    );
  });
});

describe('importHar: HTTP Toolkit', () => {
  const { session, problems } = importHar(JSON.stringify(httpToolkitHar()));

  it('reads both WebSocket entries, their messages and how they ended', () => {
    expect(problems).toEqual([]);
    const [first, second] = ['har1', 'har2'].map((id) => session.events.filter((e) => e.conn === id));
    expect(messagesOf(first!).map((m) => [m.message.dir, text(m.message.data)])).toEqual([
      ['c2s', 'ping-1'],
      ['s2c', 'pong-1'],
      ['s2c', '\u0001\u0002\u0003'],
    ]);
    const end = first!.at(-1);
    expect(end?.type).toBe('end');
    expect(wall(session, end!.t)).toBe(STARTED + 5000);
    expect(second!.find((e) => e.type === 'error')).toMatchObject({ code: 'HAR_ABORTED' });
  });

  it('keeps lower-case header names as written', () => {
    const request = session.events.find((e) => e.type === 'http-request');
    expect(request?.type === 'http-request' && request.head.headers[0]).toEqual({
      name: 'host',
      value: 'chat.example.test',
    });
  });
});

describe('importHar: wsi export --har round trip', () => {
  const original = sampleSession();
  const har = toHar(original);
  const { session, problems } = importHar(JSON.stringify(har));

  it('keeps every message, direction, opcode, time and payload', () => {
    expect(problems).toEqual([]);
    const summary = (s: Session) =>
      messagesOf(s.events).map((m) => ({
        conn: m.conn,
        dir: m.message.dir,
        opcode: m.message.opcode,
        at: Math.round(wall(s, m.t) * 1000) / 1000,
        data: m.message.data,
        size: m.message.size,
        truncated: m.message.truncated,
      }));
    expect(summary(session)).toEqual(summary(original));
  });

  it('keeps every header and status, and the connection ids', () => {
    const heads = (s: Session) =>
      s.events.flatMap((e) =>
        e.type === 'http-request'
          ? [[e.conn, e.head.method, e.head.target, e.head.headers]]
          : e.type === 'http-response'
            ? [[e.conn, e.head.status, e.head.statusText, e.head.headers]]
            : [],
      );
    expect(heads(session)).toEqual(heads(original));
  });

  it('keeps the frames it wrote (bits, lengths, close bodies), so close attribution still works', () => {
    const bits = (s: Session) =>
      framesOf(s.events).map(({ frame: f }) => [
        f.seq,
        f.dir,
        f.opcode,
        f.fin,
        f.rsv1,
        f.masked,
        f.payloadLength,
        f.close,
      ]);
    expect(bits(session)).toEqual(bits(original));
    const [before, after] = [original, session].map((s) => analyzeSession(s).connections[0]);
    expect(after).toMatchObject({
      closeKind: 'close-frame',
      closeInitiator: before!.closeInitiator,
      closeCode: 1000,
    });
    expect(session.header.imported?.unknown).not.toContain('frames');
    expect(session.header.imported?.unknown).toContain('tcp');
  });

  it('gives data frames back their payloads where a whole uncompressed message holds them', () => {
    const payloads = (s: Session) =>
      framesOf(s.events).map(({ frame: f }) => [f.seq, f.truncated ? 'cut' : f.data]);
    // Frame 3 belongs to the message cut at the capture limit: its payload stays unknown.
    expect(payloads(session)).toEqual(
      payloads(original).map(([seq, data]) => [seq, seq === 3 ? 'cut' : data]),
    );
  });
});

describe('importHar: bad input opens as far as it can and names each problem', () => {
  it('not JSON', () => {
    const { session, problems } = importHar('{"log": {"entries": [');
    expect(session.events).toEqual([]);
    expect(problems[0]?.message).toMatch(/^not JSON \(.+\); nothing read$/);
  });

  it('wrong shape', () => {
    expect(importHar('{"log": 3}').problems[0]?.message).toBe(
      'not a HAR: expected an object with a "log" object; nothing read',
    );
    expect(importHar('{"log": {"entries": {}}}').problems[0]?.message).toBe(
      '"log.entries" is not an array; nothing read',
    );
  });

  it('binary data that is not base64, a message without time, an unknown type, a broken entry', () => {
    const har = chromeHar();
    const entry = har.log.entries[1] as { _webSocketMessages: unknown[] };
    entry._webSocketMessages = [
      { type: 'send', time: STARTED / 1000, opcode: 2, data: 'not base64!' },
      { type: 'receive', opcode: 1, data: 'no time' },
      { type: 'sideways', time: STARTED / 1000, opcode: 1, data: 'x' },
      { type: 'receive', time: STARTED / 1000 + 1, opcode: 1, data: 'fine' },
    ];
    (har.log.entries as unknown[]).push(42);
    const { session, problems } = importHar(JSON.stringify(har));
    const where = 'entry 2 (wss://chat.example.test/socket?room=7)';
    expect(problems.map((p) => p.message)).toEqual([
      'entry 3: not an object; skipped',
      `${where}: message 1: binary data is not base64; kept as the text it holds`,
      `${where}: message 2: no numeric "time"; placed after the previous message`,
      `${where}: message 3: type "sideways" is neither "send" nor "receive"; skipped`,
    ]);
    expect(messagesOf(session.events).map((m) => text(m.message.data))).toEqual([
      'not base64!',
      'no time',
      'fine',
    ]);
  });
});

describe('readSessionText: HAR or session file by content', () => {
  it('a HAR named .jsonl is a HAR; a session file named .har is a session file', () => {
    expect(readSessionText('x.jsonl', JSON.stringify(chromeHar())).format).toBe('har');
    const sessionText = serializeSession(sampleSession());
    const read = readSessionText('x.har', sessionText);
    expect(read.format).toBe('session');
    expect(read.problems).toEqual([]);
  });

  it('a pretty-printed HAR (as wsi and the browsers write it) is recognised', () => {
    expect(readSessionText('dump', JSON.stringify(httpToolkitHar(), null, 2)).format).toBe('har');
  });
});
