import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/index.js';
import { parseSession } from '../../../shared/session/parse.js';
import {
  createSessionHeader,
  rememberSerialized,
  serializeEvent,
  serializeHeader,
  serializeSession,
} from '../../../shared/session/serialize.js';

const header = createSessionHeader(1_700_000_000_000, 'wsi test');
const events: CaptureEvent[] = [
  {
    type: 'connection',
    conn: 'c1',
    t: 0.5,
    mode: 'client',
    url: 'ws://127.0.0.1:1/',
    at: 1_700_000_000_000.5,
  },
  { type: 'tcp', conn: 'c1', t: 1.25, leg: 'direct', kind: 'connect', side: 'server' },
  {
    type: 'frame',
    conn: 'c1',
    t: 3,
    frame: {
      seq: 1,
      dir: 'c2s',
      offset: 0,
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcode: 1,
      masked: true,
      maskKey: '01020304',
      lengthEncoding: 7,
      headerLength: 6,
      payloadLength: 2,
      data: 'aGk=',
      truncated: false,
      messageId: 1,
    },
  },
  { type: 'end', conn: 'c1', t: 9 },
];

describe('parseSession', () => {
  it('reads back exactly what was serialized', () => {
    const result = parseSession(serializeSession({ header, events }));
    expect(result.problems).toEqual([]);
    expect(result.session).toEqual({ header, events });
  });

  it('keeps every complete record of a file cut mid-line and names the truncated line', () => {
    const full = serializeSession({ header, events });
    const cut = full.slice(0, full.length - 5);
    const result = parseSession(cut);
    expect(result.session.events).toEqual(events.slice(0, 3));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.line).toBe(5);
    expect(result.problems[0]?.message).toMatch(/truncated/);
  });

  it('skips bad JSON and unknown record types with line numbers, keeping the rest', () => {
    const text =
      serializeHeader(header) +
      serializeEvent(events[0] as CaptureEvent) +
      '{not json\n' +
      JSON.stringify({ type: 'teleport', conn: 'c1', t: 2 }) +
      '\n' +
      JSON.stringify({ type: 'tcp', conn: 'c1', t: 'late', leg: 'direct', kind: 'fin', side: 'server' }) +
      '\n' +
      JSON.stringify({ type: 'frame', conn: 'c1', t: 3 }) +
      '\n' +
      '\n' +
      serializeEvent(events[3] as CaptureEvent);
    const result = parseSession(text);
    expect(result.session.events.map((e) => e.type)).toEqual(['connection', 'end']);
    expect(result.problems.map((p) => p.line)).toEqual([3, 4, 5, 6]);
    expect(result.problems[0]?.message).toMatch(/not valid JSON/);
    expect(result.problems[1]?.message).toMatch(/unknown record type "teleport"/);
    expect(result.problems[2]?.message).toMatch(/"t" must be a finite number/);
    expect(result.problems[3]?.message).toMatch(/frame record: field "frame" must be an object/);
  });

  it('reports a bad header and still reads the records', () => {
    const text = '{"format":"something-else","version":1}\n' + serializeEvent(events[0] as CaptureEvent);
    const result = parseSession(text);
    expect(result.problems[0]).toMatchObject({ line: 1 });
    expect(result.problems[0]?.message).toMatch(/format is "something-else"/);
    expect(result.session.events).toHaveLength(1);
  });

  it('reads a file whose header is missing, starting at the first record', () => {
    const text = serializeEvent(events[0] as CaptureEvent) + serializeEvent(events[1] as CaptureEvent);
    const result = parseSession(text);
    expect(result.session.events).toHaveLength(2);
    expect(result.problems[0]?.line).toBe(1);
  });

  it('warns about a newer version but reads what it knows', () => {
    const text = serializeHeader({ ...header, version: 2 }) + serializeEvent(events[1] as CaptureEvent);
    const result = parseSession(text);
    expect(result.session.header.version).toBe(2);
    expect(result.session.events).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(/newer/);
  });

  it('reports an empty file', () => {
    expect(parseSession('').problems[0]?.message).toMatch(/empty/);
  });

  it('accepts CRLF line endings', () => {
    const text = serializeSession({ header, events }).replace(/\n/g, '\r\n');
    expect(parseSession(text).problems).toEqual([]);
  });
});

describe('serializeEvent with a line made elsewhere', () => {
  it('writes the remembered line for that record, and serializes a changed copy anew', () => {
    const event: CaptureEvent = { type: 'end', conn: 'c9', t: 4 };
    // Same record, keys in another order: what a worker's object may look like.
    const workerLine = JSON.stringify({ t: 4, conn: 'c9', type: 'end' }) + '\n';
    rememberSerialized(event, workerLine);
    expect(serializeEvent(event)).toBe(workerLine);
    const changed: CaptureEvent = { ...event, t: 5 };
    expect(serializeEvent(changed)).toBe('{"type":"end","conn":"c9","t":5}\n');
    expect(serializeSession({ header, events: [event] }).split('\n')[1] + '\n').toBe(workerLine);
  });
});

describe('parseSession: every field the views use is checked', () => {
  const good = serializeSession({ header, events }).trimEnd().split('\n');
  const withFrame = (change: (frame: Record<string, unknown>) => void): string => {
    const record = JSON.parse(good[3] ?? '') as { frame: Record<string, unknown> };
    change(record.frame);
    return JSON.stringify(record);
  };

  it.each([
    [
      'frames not an array',
      JSON.stringify({
        type: 'message',
        conn: 'c1',
        t: 4,
        message: {
          id: 1,
          dir: 'c2s',
          opcode: 1,
          frames: 3,
          wireSize: 2,
          size: 2,
          compressed: false,
          data: 'aGk=',
          truncated: false,
        },
      }),
      'message record: field "message.frames" must be an array, not 3',
    ],
    [
      'a null header entry',
      JSON.stringify({
        type: 'http-request',
        conn: 'c1',
        t: 2,
        leg: 'direct',
        head: { method: 'GET', target: '/', httpVersion: '1.1', headers: [null], raw: '' },
      }),
      'http-request record: field "head.headers[0]" must be an object, not null',
    ],
    [
      'a numeric close reason',
      withFrame((f) => (f.close = { code: 1000, reason: 7 })),
      'frame record: field "frame.close.reason" must be a string, not 7',
    ],
    [
      'a direction that is not one',
      withFrame((f) => (f.dir = 'up')),
      'frame record: field "frame.dir" must be one of "c2s", "s2c", not "up"',
    ],
    [
      'payload that is not base64',
      withFrame((f) => (f.data = '%%%')),
      'frame record: field "frame.data" is not valid base64',
    ],
    [
      'a time past any date',
      JSON.stringify({ type: 'end', conn: 'c1', t: 1e300 }),
      'field "t" must be a finite number of ms (a session time)',
    ],
  ])('%s: a named problem on its line, the rest opens', (_name, line, message) => {
    const text = [...good.slice(0, 3), line, ...good.slice(3)].join('\n') + '\n';
    const { session, problems } = parseSession(text);
    expect(problems).toEqual([{ line: 4, message: `${message}; line skipped` }]);
    expect(session.events).toEqual(events);
  });

  it('a header startedAt of 1e300 is named and wall times fall back, the records open', () => {
    const text = JSON.stringify({ ...header, startedAt: 1e300 }) + '\n' + good.slice(1).join('\n') + '\n';
    const { session, problems } = parseSession(text);
    expect(problems).toEqual([
      {
        line: 1,
        message: 'header "startedAt" 1e+300 is not a wall-clock time in ms; wall times are unknown',
      },
    ]);
    expect(session.header.startedAt).toBe(0);
    expect(session.events).toEqual(events);
  });
});
