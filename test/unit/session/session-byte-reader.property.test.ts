import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { SessionReadProblem } from '../../../shared/model/session.js';
import type { SessionStreamBatch } from '../../../shared/session/index.js';
import { createSessionStreamParser } from '../../../shared/session/index.js';
import { createSessionByteReader } from '../../../renderer/src/session/session-byte-reader.js';
import { eventFromScanned } from '../../../renderer/src/session/scanned-event.js';
import type { OpenItem } from '../../../renderer/src/session/session-chunker.js';
import { SessionChunker } from '../../../renderer/src/session/session-chunker.js';
import { PartCutter, partReadStart, splitFile } from '../../../renderer/src/session/file-part.js';
import type { PartBatch } from '../../../renderer/src/session/part-joiner.js';
import { PartJoiner } from '../../../renderer/src/session/part-joiner.js';
import type { ColumnChunk } from '../../../renderer/src/store/columnar-log.js';
import { ColumnarLog } from '../../../renderer/src/store/columnar-log.js';

/** A JSON value written as given (`raw`: a number's text JSON.stringify would not produce), or JSON.stringify'd. */
type Value = { raw: string } | { obj: [string, Value][] } | string | number | boolean | null | number[];
const text = (value: Value): string => {
  if (value !== null && typeof value === 'object' && 'raw' in value) return value.raw;
  if (value !== null && typeof value === 'object' && 'obj' in value)
    return `{${value.obj.map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`).join(',')}}`;
  return JSON.stringify(value);
};

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** Valid numbers as a file may have them: integers, short decimals, 17 significant digits, -0, exponents. */
const numberArb = (integer: fc.Arbitrary<number>): fc.Arbitrary<Value> =>
  fc.oneof(
    { weight: 12, arbitrary: integer },
    { weight: 2, arbitrary: fc.integer({ min: 0, max: 100_000 }).map((n) => n / 20) },
    { weight: 2, arbitrary: fc.double({ min: 0, max: 1e16, noNaN: true }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Value>(
        -0,
        { raw: '1e2' },
        { raw: '2.50' },
        { raw: '-0.0' },
        { raw: '0.1000000000000000000000001' },
        { raw: '12345678901234567890' },
        { raw: '1E1' },
      ),
    },
  );

/** Values no frame or message field has (or not spelled so): one of them replaces a field now and then. */
const oddArb = fc.constantFrom<Value>(
  -1,
  -5.5,
  16,
  15,
  1,
  8,
  0,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53 + 2,
  4e15,
  4.000000000000001e15,
  -4e15,
  '7',
  'C2S',
  'x',
  null,
  true,
  [],
  [1, 2],
  { raw: '07' },
  { raw: '"c\\u0032s"' },
  { raw: '"aGk\\u003d"' },
  { raw: '[ 1]' },
  { raw: '[1e0]' },
  'ABCDEF01',
  '0102',
  'aGl=',
  'aGk',
  'aG==',
  '!!!!',
  'aGk=aGk=',
  '',
);

const SEQ = { raw: '@SEQ@' };
const DATA = { raw: '"@DATA@"' };

const frameFields: Record<string, fc.Arbitrary<Value>> = {
  seq: fc.constant(SEQ),
  dir: fc.constantFrom('c2s', 's2c'),
  offset: numberArb(fc.integer({ min: 0, max: 1e9 })),
  fin: fc.boolean(),
  rsv1: fc.boolean(),
  rsv2: fc.boolean(),
  rsv3: fc.boolean(),
  opcode: fc.integer({ min: 0, max: 15 }),
  masked: fc.boolean(),
  lengthEncoding: fc.constantFrom(7, 16, 64),
  headerLength: fc.integer({ min: 2, max: 14 }),
  payloadLength: fc.integer({ min: 0, max: 1e6 }),
  data: fc.constant(DATA),
  truncated: fc.boolean(),
};
const frameOptional: Record<string, fc.Arbitrary<Value>> = {
  maskKey: fc.integer({ min: 0, max: 0xffffffff }).map((n) => n.toString(16).padStart(8, '0')),
  messageId: fc.integer({ min: 0, max: 50 }),
};
const messageFields: Record<string, fc.Arbitrary<Value>> = {
  id: fc.integer({ min: 0, max: 50 }),
  dir: fc.constantFrom('c2s', 's2c'),
  opcode: fc.integer({ min: 0, max: 15 }),
  frames: fc.constant({ raw: '[@SEQ@]' }),
  wireSize: fc.integer({ min: 0, max: 1e6 }),
  size: fc.integer({ min: 0, max: 1e6 }),
  compressed: fc.boolean(),
  data: fc.constant(DATA),
  truncated: fc.boolean(),
};
const messageOptional: Record<string, fc.Arbitrary<Value>> = { utf8Valid: fc.boolean() };

/**
 * A record's fields in a random order, optional ones present or not; now and then one field odd (see oddArb),
 * missing, repeated, or an extra one.
 */
function bodyArb(
  fields: Record<string, fc.Arbitrary<Value>>,
  optional: Record<string, fc.Arbitrary<Value>>,
): fc.Arbitrary<[string, Value][]> {
  const required = fc.tuple(...Object.entries(fields).map(([k, a]) => a.map((v): [string, Value] => [k, v])));
  const extra = fc.tuple(
    ...Object.entries(optional).map(([k, a]) => fc.option(a.map((v): [string, Value] => [k, v]))),
  );
  return fc
    .tuple(required, extra, fc.integer({ min: 0, max: 99 }), fc.nat(), oddArb)
    .chain(([req, opt, mutation, which, odd]) => {
      const entries: [string, Value][] = [...req, ...opt.filter((e): e is [string, Value] => e !== null)];
      const at = which % entries.length;
      if (mutation < 20) entries[at] = [entries[at]![0], odd];
      else if (mutation < 23) entries.splice(at, 1);
      else if (mutation < 25) entries.push(entries[at]!);
      else if (mutation < 27) entries.push(['ref', 'r1']);
      return fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length });
    });
}

const connArb = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom<Value>('c1', 'c2', 'conn-3') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<Value>('', 'é', 'a"b', 'tab\there', { raw: '"\\u0063\\u0031"' }, 5),
  },
);
const timeArb = fc.oneof(
  { weight: 10, arbitrary: numberArb(fc.integer({ min: 0, max: 1e7 })) },
  { weight: 1, arbitrary: fc.constantFrom<Value>(-3.25, 4e15, -4e15, 4.000000000000001e15, '1', null) },
);

/** A line of a file: its text with placeholders for the frame seq and payload (see fill). */
interface Line {
  text: string;
  /** Frames: how far the seq moves on from the connection's last (≤ 0: backwards or repeated). */
  step: number;
  /** Messages: share the payload of the connection's last frame; frames: a new payload. */
  payload: Uint8Array | null;
}

/** A frame or message record (top-level keys in any order), or now and then a line of another kind or a broken one. */
const lineArb: fc.Arbitrary<Line> = fc.oneof(
  {
    weight: 30,
    arbitrary: fc
      .tuple(
        fc.constantFrom('frame', 'message'),
        connArb,
        timeArb,
        fc.integer({ min: 0, max: 99 }),
        fc.oneof(
          { weight: 12, arbitrary: fc.integer({ min: 1, max: 3 }) },
          { weight: 1, arbitrary: fc.integer({ min: -2, max: 0 }) },
        ),
        fc.option(fc.uint8Array({ maxLength: 40 }), { freq: 2 }),
      )
      .chain(([type, conn, t, mutation, step, payload]) =>
        (type === 'frame'
          ? bodyArb(frameFields, frameOptional)
          : bodyArb(messageFields, messageOptional)
        ).chain((body) => {
          const top: [string, Value][] = [
            ['type', mutation === 0 ? 'frames' : type],
            ['conn', conn],
            ['t', t],
            [mutation === 1 ? (type === 'frame' ? 'message' : 'frame') : type, { obj: body }],
          ];
          if (mutation === 2) top.push(['extra', 1]);
          if (mutation === 3) top.splice(1, 1);
          if (mutation === 4) top.push(top[2]!);
          return fc.shuffledSubarray(top, { minLength: top.length, maxLength: top.length }).map((entries) => {
            let line = text({ obj: entries });
            if (mutation === 5) line = line.replace('":', '" :');
            if (mutation === 6) line = `${line} `;
            if (mutation === 7) line = line.slice(0, Math.max(1, line.length - 7));
            if (mutation === 8) line = line.replace('"conn"', '"co\\u006en"');
            if (mutation === 9) line = `\t${line}`;
            return {
              text: line,
              step: type === 'frame' ? step : 0,
              payload: type === 'frame' ? (payload ?? new Uint8Array(3)) : payload,
            };
          });
        }),
      ),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(
        '{"type":"connection","conn":"c1","t":0,"mode":"client","url":"ws://x/é","at":1}',
        '{"type":"open","conn":"c2","t":1,"protocol":"","extensions":[]}',
        '{"type":"tcp","conn":"c1","t":2,"leg":"direct","kind":"fin","side":"server"}',
        '{"type":"end","conn":"c1","t":9}',
        '{"type":"bogus","conn":"c1","t":1}',
        'not json at all',
        '',
        '   ',
        '[1,2]',
        '{"type":"frame"',
      )
      .map((text) => ({ text, step: 0, payload: null })),
  },
);

/** Puts seqs (running per connection) and payloads (a message's that of its connection's last frame, or its own). */
function fill(lines: Line[]): string[] {
  const seqs = new Map<string, number>();
  const data = new Map<string, string>();
  return lines.map(({ text, step, payload }) => {
    const conn = /"conn":("(?:[^"\\]|\\.)*"|[^,}]*)/.exec(text)?.[1] ?? '';
    const seq = Math.max(0, (seqs.get(conn) ?? -1) + step);
    if (step !== 0) seqs.set(conn, seq);
    let payloadText = payload ? base64(payload) : (data.get(conn) ?? '');
    if (step !== 0) data.set(conn, payloadText);
    if (payload && payload.length % 3 !== 0 && payload[0]! < 8) payloadText = payloadText.replace(/.=/, 'B=');
    return text.replaceAll('@SEQ@', String(seq)).replaceAll('@DATA@', payloadText);
  });
}

const HEADER = '{"format":"wsi-session","version":1,"startedAt":1700000000000,"producer":"test"}';

/** A session file's bytes: header (now and then missing or with a BOM), lines joined by \n or \r\n. */
const fileArb = fc
  .tuple(
    fc.array(lineArb, { maxLength: 150, size: 'large' }).map(fill),
    fc.constantFrom('\n', '\r\n'),
    fc.boolean(),
    fc.integer({ min: 0, max: 20 }),
  )
  .map(([lines, newline, finalNewline, roll]) => {
    const all = roll === 0 ? lines : [HEADER, ...lines];
    const body = all.join(newline) + (finalNewline ? newline : '');
    return new TextEncoder().encode(roll === 1 ? `\ufeff${body}` : body);
  });

interface Read {
  header?: unknown;
  batches: OpenItem[][];
  problems: SessionReadProblem[];
}

function cut(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const point of [...points, bytes.length]) {
    pieces.push(bytes.slice(at, point));
    at = point;
  }
  return pieces;
}

/** As the reader worker did before: text, JSON.parse per line, chunker.push. A batch after every piece. */
function oldRead(pieces: Uint8Array[]): Read {
  const parser = createSessionStreamParser();
  const chunker = new SessionChunker();
  const decoder = new TextDecoder();
  const out: Read = { batches: [], problems: [] };
  const accept = (batch: SessionStreamBatch) => {
    if (batch.header) out.header = batch.header;
    out.problems.push(...batch.problems);
    for (const event of batch.events) chunker.push(event);
  };
  for (const piece of pieces) {
    accept(parser.push(decoder.decode(piece, { stream: true })));
    out.batches.push(chunker.take());
  }
  accept(parser.push(decoder.decode()));
  accept(parser.end());
  out.batches.push(chunker.take());
  return out;
}

/** Lines the new reader read straight into columns, and ones the scanner took but the columns did not. */
const tally = { scanned: 0, declined: 0 };

function newRead(pieces: Uint8Array[]): Read {
  const chunker = new SessionChunker();
  const reader = createSessionByteReader({
    scanned: (record, conn) => {
      const taken = chunker.pushScanned(record, conn);
      tally[taken ? 'scanned' : 'declined']++;
      return taken;
    },
    event: (event) => chunker.push(event),
  });
  const out: Read = { batches: [], problems: [] };
  const accept = (batch: SessionStreamBatch) => {
    if (batch.header) out.header = batch.header;
    out.problems.push(...batch.problems);
    expect(batch.events).toEqual([]);
  };
  for (const piece of pieces) {
    accept(reader.push(piece));
    out.batches.push(chunker.take());
  }
  accept(reader.end());
  out.batches.push(chunker.take());
  return out;
}

/** Each connection's records in a ColumnarLog of its own, pushed as parsed records or scanned lines. */
function logs(pieces: Uint8Array[], scan: boolean): Map<string, ColumnChunk> {
  const byConn = new Map<string, ColumnarLog>();
  const log = (conn: string) => {
    let found = byConn.get(conn);
    if (!found) byConn.set(conn, (found = new ColumnarLog()));
    return found;
  };
  const push = (event: CaptureEvent) => log(event.conn).push(event);
  if (scan) {
    const reader = createSessionByteReader({
      scanned: (record, conn) => log(conn).pushScanned(record, conn) >= 0,
      event: push,
    });
    for (const piece of pieces) reader.push(piece);
    reader.end();
  } else {
    const parser = createSessionStreamParser();
    const decoder = new TextDecoder();
    for (const piece of pieces) parser.push(decoder.decode(piece, { stream: true })).events.forEach(push);
    parser.push(decoder.decode()).events.forEach(push);
    parser.end().events.forEach(push);
  }
  return new Map([...byConn].map(([conn, l]) => [conn, l.takeChunk()]));
}

/** Every record of the file in order, with its header and problems: read as text, or as bytes with the records
 * the scanner took made by `eventFromScanned` (as the analysis reader does). */
function records(
  pieces: Uint8Array[],
  scan: boolean,
): { events: CaptureEvent[]; read: Omit<Read, 'batches'> } {
  const events: CaptureEvent[] = [];
  const read: Omit<Read, 'batches'> = { problems: [] };
  const accept = (batch: SessionStreamBatch) => {
    if (batch.header) read.header = batch.header;
    read.problems.push(...batch.problems);
    events.push(...batch.events);
  };
  if (scan) {
    const reader = createSessionByteReader({
      scanned: (record, conn, line) => {
        events.push(eventFromScanned(record, conn, line));
        return true;
      },
      event: (event) => events.push(event),
    });
    for (const piece of pieces) accept(reader.push(piece));
    accept(reader.end());
  } else {
    const parser = createSessionStreamParser();
    const decoder = new TextDecoder();
    for (const piece of pieces) accept(parser.push(decoder.decode(piece, { stream: true })));
    accept(parser.push(decoder.decode()));
    accept(parser.end());
  }
  return { events, read };
}

/** Random files cut into pieces: `read` gives the same with the scanner (`scan`) as reading every line as text. */
function scannedAsRead(read: (pieces: Uint8Array[], scan: boolean) => unknown, numRuns: number): void {
  fc.assert(
    fc.property(fileArb, fc.array(fc.nat(), { maxLength: 3 }), (bytes, cuts) => {
      const pieces = cut(bytes, cuts);
      expect(read(pieces, true)).toEqual(read(pieces, false));
    }),
    { numRuns },
  );
}

describe('createSessionByteReader', () => {
  it('makes from each scanned line the record JSON.parse and the record checks give (eventFromScanned)', () => {
    scannedAsRead(records, 300);
  }, 30_000);

  it('holds each record the way pushing the parsed record does (same columns, payload pages, objects)', () => {
    scannedAsRead(logs, 200);
  }, 30_000);

  it('gives the same batches (chunks of columns, records) and problems as parsing every line', () => {
    fc.assert(
      fc.property(fileArb, fc.array(fc.nat(), { maxLength: 6 }), (bytes, cuts) => {
        const pieces = cut(bytes, cuts);
        expect(newRead(pieces)).toEqual(oldRead(pieces));
      }),
      { numRuns: 400 },
    );
    // The fast path was taken, and declined (seq going back, stray base64 bits) too.
    expect(tally.scanned).toBeGreaterThan(2000);
    expect(tally.declined).toBeGreaterThan(100);
  }, 30_000);
});

/**
 * The file read in `count` parts as the page reads a large one: each part by a reader of its own (its pieces cut by
 * `cuts`), the parts finishing last to first, their batches joined by PartJoiner into one ColumnarLog per connection.
 */
function readInParts(bytes: Uint8Array, count: number, cuts: number[]) {
  const readers = splitFile(bytes.length, count).map((part) => {
    const cutter = new PartCutter(part);
    const chunker = new SessionChunker();
    const reader = createSessionByteReader(
      { scanned: (record, conn) => chunker.pushScanned(record, conn), event: (event) => chunker.push(event) },
      { afterHeader: part.from > 0 },
    );
    const batches: PartBatch[] = [];
    let bytesRead = 0;
    const accept = (batch: SessionStreamBatch) =>
      batches.push({
        ...(batch.header ? { header: batch.header } : {}),
        problems: batch.problems,
        items: chunker.take(),
        bytesRead,
      });
    for (const piece of cut(bytes.subarray(partReadStart(part)), cuts)) {
      const lines = cutter.cut(piece);
      bytesRead += lines.length;
      accept(reader.push(lines));
      if (cutter.done) break;
    }
    const lines = reader.lines;
    const pastHeader = reader.pastHeader;
    accept(reader.end());
    return { batches, lines, pastHeader, bytesRead };
  });
  const joiner = new PartJoiner(count);
  const logs = new Map<string, ColumnarLog>();
  const read: Omit<Read, 'batches'> = { problems: [] };
  const log = (conn: string) => {
    let found = logs.get(conn);
    if (!found) logs.set(conn, (found = new ColumnarLog()));
    return found;
  };
  const joinedBytes: number[] = [];
  const apply = (batch: PartBatch) => {
    joinedBytes.push(batch.bytesRead);
    if (batch.header) read.header = batch.header;
    read.problems.push(...batch.problems);
    for (const item of batch.items) {
      if ('chunk' in item) log(item.chunk.conn).appendChunk(structuredClone(item.chunk));
      else for (const event of item.events) log(event.conn).push(event);
    }
  };
  // Every part's batches arrive before any part is done, the last part's first.
  for (let k = count - 1; k >= 0; k--)
    for (const batch of readers[k]!.batches) joiner.batch(k, batch).forEach(apply);
  for (let k = count - 1; k >= 0; k--) joiner.done(k, readers[k]!).forEach(apply);
  expect(joiner.complete).toBe(true);
  // The joined batches count the file's bytes read so far, up to all of them.
  expect(joinedBytes).toEqual([...joinedBytes].sort((a, b) => a - b));
  expect(joinedBytes.at(-1)).toBe(bytes.length);
  return { logs, read, misread: joiner.misread };
}

describe('a file read in parts (PartCutter, PartJoiner)', () => {
  it('gives each connection the records, and the file the problems and line numbers, of reading it whole', () => {
    let joined = 0;
    fc.assert(
      fc.property(
        fileArb,
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (bytes, count, cuts) => {
          const whole = records([bytes], false);
          const parts = readInParts(bytes, count, cuts);
          if (parts.misread) {
            // Only when the first part held nothing but blank lines: the page then reads the file whole.
            const firstPart = new TextDecoder().decode(
              bytes.subarray(0, splitFile(bytes.length, count)[0]!.to),
            );
            expect(
              firstPart
                .split('\n')
                .slice(0, -1)
                .every((line) => line.trim() === ''),
            ).toBe(true);
            return;
          }
          joined++;
          expect(parts.read).toEqual(whole.read);
          const byConn = new Map<string, CaptureEvent[]>();
          for (const event of whole.events)
            byConn.set(event.conn, [...(byConn.get(event.conn) ?? []), event]);
          expect([...parts.logs.keys()]).toEqual([...byConn.keys()]);
          for (const [conn, events] of byConn) {
            const log = parts.logs.get(conn)!;
            expect([...log.range()]).toEqual(events);
            // Frames are found by seq as in the file read whole (the column seqs must keep increasing).
            const reference = new ColumnarLog();
            for (const event of events) reference.push(event);
            for (const event of events)
              if (event.type === 'frame')
                expect(log.frameIndex(event.frame.seq)).toBe(reference.frameIndex(event.frame.seq));
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(joined).toBeGreaterThan(200);
  }, 60_000);
});
