import { describe, expect, it } from 'vitest';
import { ChunkedLog } from '../../../renderer/src/store/chunked-log.js';
import { ColumnarLog, HELD_OBJECT } from '../../../renderer/src/store/columnar-log.js';
import { decodeCanonicalBase64 } from '../../../shared/util/base64.js';
import fc from 'fast-check';
import type { RowFacts } from '../../../renderer/src/store/columnar-log.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { conn } from '../analysis/builders.js';
import { randomEvents } from './random-session.js';

describe('ColumnarLog', () => {
  it('gives back, for random sessions, records deep-equal to the ones pushed (the simple log)', () => {
    for (let seed = 1; seed <= 12; seed++) {
      const events = randomEvents(seed, 2000);
      const simple = new ChunkedLog<(typeof events)[number]>();
      const columns = new ColumnarLog();
      const indices = events.map((event) => [columns.push(event), simple.push(event)]);
      expect(indices.filter(([a, b]) => a !== b)).toEqual([]);
      expect(columns.length).toBe(simple.length);
      expect(Array.from(columns.range())).toEqual(Array.from(simple.range()));
      expect(Array.from(columns.range(17, 333))).toEqual(Array.from(simple.range(17, 333)));
      const facts: RowFacts = { held: 0, dir: 'c2s', opcode: 0, size: 0 };
      const seen: unknown[] = [];
      const expected: unknown[] = [];
      events.forEach((event, i) => {
        columns.facts(i, facts);
        seen.push(columns.timeAt(i));
        expected.push(event.t);
        if (facts.held === HELD_OBJECT) return;
        const record = event.type === 'frame' ? event.frame : event.type === 'message' ? event.message : null;
        const size =
          event.type === 'frame'
            ? event.frame.payloadLength
            : event.type === 'message'
              ? event.message.size
              : -1;
        seen.push([
          facts.dir,
          facts.opcode,
          facts.size,
          Buffer.from(columns.payloadBytes(i)!).toString('base64'),
        ]);
        expected.push([record?.dir, record?.opcode, size, record?.data]);
      });
      expect(seen).toEqual(expected);
    }
  }, 60_000);

  it('keeps common frames and messages in columns, not as objects', () => {
    const events = randomEvents(99, 5000);
    const columns = new ColumnarLog();
    for (const event of events) columns.push(event);
    const facts: RowFacts = { held: 0, dir: 'c2s', opcode: 0, size: 0 };
    let inColumns = 0;
    for (let i = 0; i < events.length; i++) if (columns.facts(i, facts).held !== HELD_OBJECT) inColumns++;
    expect(inColumns / events.length).toBeGreaterThan(0.6);
  });

  it('finds frames by seq as a map would (the last frame with a seq wins)', () => {
    for (let seed = 3; seed <= 6; seed++) {
      const events = randomEvents(seed, 3000);
      const log = new ConnectionLog();
      const bySeq = new Map<number, number>();
      events.forEach((event) => {
        const index = log.append(event);
        if (event.type === 'frame') bySeq.set(event.frame.seq, index);
      });
      for (const [seq, index] of bySeq) expect(log.frameIndex(seq)).toBe(index);
      expect(log.frameIndex(-5)).toBeUndefined();
      const some = [...bySeq.keys()][10]!;
      expect(log.frame(some)).toEqual(events[bySeq.get(some)!]);
    }
  });

  it('gives back empty payloads, also while no byte is stored yet (a file whose first frame is empty)', () => {
    const builder = conn('c1', 'client', 'ws://x.test/').handshake(0).text(5, 's2c');
    const columns = new ColumnarLog();
    for (const event of builder.events) columns.push(event);
    expect(Array.from(columns.range())).toEqual(builder.events);
    const more = builder.message(6, 'c2s', '').message(7, 's2c', 'hi').events;
    for (const event of more.slice(columns.length)) columns.push(event);
    expect(Array.from(columns.range())).toEqual(more);
  });

  it('keeps records whose seqs, ids or sizes exceed 32 bits as they are (columns are 32-bit)', () => {
    const builder = conn('c1', 'client', 'ws://x.test/')
      .handshake(0)
      .message(5, 's2c', 'hi')
      .message(6, 'c2s', 'yo');
    const events = builder.events.map((event) => structuredClone(event));
    const frames = events.filter((e) => e.type === 'frame');
    const messages = events.filter((e) => e.type === 'message');
    frames[0]!.frame.seq = 2 ** 33;
    frames[0]!.frame.payloadLength = 2 ** 32 + 5;
    frames[1]!.frame.seq = 2 ** 33 + 1;
    frames[1]!.frame.messageId = 2 ** 32;
    messages[0]!.message.size = 2 ** 32;
    messages[1]!.message.id = 2 ** 32;
    const columns = new ColumnarLog();
    for (const event of events) columns.push(event);
    expect(Array.from(columns.range())).toEqual(events);
    expect(columns.frameIndex(2 ** 33 + 1)).toBe(events.indexOf(frames[1]!));
  });

  it('gives back spare capacity on trim and keeps every record (and can still grow)', () => {
    const events = randomEvents(21, 3000);
    const columns = new ColumnarLog();
    for (const event of events.slice(0, 2500)) columns.push(event);
    const before = columns.columnBytes;
    columns.trim();
    expect(columns.columnBytes).toBeLessThan(before);
    expect(Array.from(columns.range())).toEqual(events.slice(0, 2500));
    for (const event of events.slice(2500)) columns.push(event);
    expect(Array.from(columns.range())).toEqual(events);
  });

  it('trims in steps, and records pushed between the steps are kept', () => {
    const events = randomEvents(22, 4000);
    const columns = new ColumnarLog();
    for (const event of events.slice(0, 2500)) columns.push(event);
    const before = columns.columnBytes;
    let next = 2500;
    const steps = columns.trimSteps();
    while (!steps.next().done) if (next < events.length) columns.push(events[next++]!);
    for (const event of events.slice(next)) columns.push(event);
    expect(Array.from(columns.range())).toEqual(events);
    const trimmed = new ColumnarLog();
    for (const event of events.slice(0, 2500)) trimmed.push(event);
    const all = trimmed.trimSteps();
    let count = 0;
    while (!all.next().done) count++;
    expect(count).toBeGreaterThan(1);
    expect(trimmed.columnBytes).toBeLessThan(before);
  });

  it('takes a payload as bytes only when its base64 is the canonical encoding of them (as a re-encoding would)', () => {
    const reference = (text: string): string | null => {
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return null;
      const binary = atob(text);
      return btoa(binary) === text ? binary : null;
    };
    const texts = fc.oneof(
      fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64')),
      fc.string({ unit: fc.constantFrom(...'AQgw+/=\t -_é'.split('')), maxLength: 16 }),
      fc
        .tuple(fc.uint8Array({ minLength: 1, maxLength: 20 }), fc.nat(63), fc.nat(40))
        .map(([bytes, value, at]) => {
          const text = Buffer.from(bytes).toString('base64');
          const i = Math.min(at, text.length - 1);
          const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
          return text[i] === '=' ? text : text.slice(0, i) + alphabet[value] + text.slice(i + 1);
        }),
    );
    const decoded = (text: string): string | null => {
      const into = new Uint8Array(Math.ceil(text.length / 4) * 3);
      const length = decodeCanonicalBase64(text, into);
      return length < 0 ? null : String.fromCharCode(...into.subarray(0, length));
    };
    fc.assert(
      fc.property(texts, (text) => {
        expect(decoded(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
    expect(decoded('')).toBe('');
    expect(decoded('QQ==')).toBe('A');
    expect(decoded('QR==')).toBeNull();
    expect(decoded('QUI=')).toBe('AB');
    expect(decoded('QUJ=')).toBeNull();
    expect(decoded('QU I=')).toBeNull();
    expect(decoded('Q===')).toBeNull();
    expect(decoded('QQ=A')).toBeNull();
    expect(decoded('ĀQ==')).toBeNull();
  });

  it('returns undefined outside its range', () => {
    const log = new ColumnarLog();
    log.push(randomEvents(1, 2)[1]!);
    expect(log.get(1)).toBeUndefined();
    expect(log.get(-1)).toBeUndefined();
    expect(log.get(0.5)).toBeUndefined();
  });

  it('costs a short connection a few KiB, not a 1 MiB page (10,000 of them in a reconnect storm)', () => {
    const events = conn('c1').handshake(0).text(5, 'c2s').text(6, 's2c').close(7, 's2c', 1001).events;
    const log = new ColumnarLog();
    for (const event of events) log.push(event);
    expect(log.columnBytes).toBeLessThan(8 * 1024);
    expect(Array.from(log.range())).toEqual(events);
    // Larger logs still get large pages, and every payload comes back.
    const big = new ColumnarLog();
    const many = randomEvents(3, 20_000);
    for (const event of many) big.push(event);
    expect(big.columnBytes).toBeGreaterThan(1 << 20);
    expect(Array.from(big.range())).toEqual(many);
  });
});
