import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { ScannedRecord } from '../../../shared/session/record-scanner.js';
import {
  newScannedRecord,
  RecordScanner,
  SCANNED_FRAME,
  SCANNED_MESSAGE,
} from '../../../shared/session/record-scanner.js';
import { createSessionByteReader } from '../../../renderer/src/session/session-byte-reader.js';
import { ColumnarLog, HELD_FRAME, HELD_MESSAGE } from '../../../renderer/src/store/columnar-log.js';

const FRAME =
  '{"type":"frame","conn":"c1","t":2.05,"frame":{"seq":7,"dir":"c2s","offset":12,"fin":true,"rsv1":false,"rsv2":false,"rsv3":false,"opcode":1,"masked":true,"lengthEncoding":7,"headerLength":6,"payloadLength":2,"data":"aGk=","truncated":false,"maskKey":"0a0b0c0d","messageId":3}}';
const MESSAGE =
  '{"type":"message","conn":"c1","t":2.05,"message":{"id":3,"dir":"c2s","opcode":1,"frames":[7],"wireSize":2,"size":2,"compressed":false,"data":"aGk=","truncated":false,"utf8Valid":true}}';
const HEADER = '{"format":"wsi-session","version":1,"startedAt":1700000000000,"producer":"test"}';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function scan(line: string): ScannedRecord | null {
  const record = newScannedRecord();
  const bytes = encode(line);
  // A line is the scanner's when the record ends where the line does.
  return new RecordScanner().scan(bytes, 0, bytes.length, record) === bytes.length ? record : null;
}

/** The line with its first `from` replaced by `to`. */
const edit = (line: string, from: string, to: string): string => {
  expect(line).toContain(from);
  return line.replace(from, to);
};

describe('RecordScanner', () => {
  it('reads a frame and a message line into the struct, with a byte range for conn and the payload decoded', () => {
    const frame = scan(FRAME)!;
    expect(frame).toMatchObject({
      kind: SCANNED_FRAME,
      t: 2.05,
      s2c: false,
      seq: 7,
      offset: 12,
      fin: true,
      masked: true,
      opcode: 1,
      lengthEncoding: 7,
      headerLength: 6,
      payloadLength: 2,
      maskKey: 0x0a0b0c0d,
      messageId: 3,
      truncated: false,
    });
    expect(FRAME.slice(frame.connStart, frame.connEnd)).toBe('c1');
    expect([...frame.payload.subarray(0, frame.payloadBytes)]).toEqual([0x68, 0x69]);
    const message = scan(MESSAGE)!;
    expect(message).toMatchObject({ kind: SCANNED_MESSAGE, id: 3, frame: 7, size: 2, utf8Valid: 1 });
  });

  it('takes the keys in any order', () => {
    const reordered =
      '{"frame":{"truncated":false,"data":"aGk=","payloadLength":2,"headerLength":2,"lengthEncoding":7,"masked":false,"opcode":2,"rsv3":false,"rsv2":false,"rsv1":true,"fin":false,"offset":0,"dir":"s2c","seq":0},"t":1,"conn":"x","type":"frame"}';
    expect(scan(reordered)).toMatchObject({
      kind: SCANNED_FRAME,
      s2c: true,
      rsv1: true,
      maskKey: -1,
      messageId: -1,
    });
  });

  it('leaves to JSON.parse what it does not fully understand', () => {
    const declined = [
      edit(FRAME, '"dir":"c2s"', '"dir":"c\\u0032s"'),
      edit(FRAME, '"conn":"c1"', '"conn":"c\\u0031"'),
      edit(FRAME, '"t":2.05', '"t":205e-2'),
      edit(FRAME, '"offset":12', '"offset":1.2E1'),
      edit(FRAME, '"opcode":1', '"opcode":1,"opcode":1'),
      edit(FRAME, '"type":"frame"', '"type":"frame","type":"frame"'),
      edit(FRAME, '"fin":true', '"fin":true,"ref":"r"'),
      edit(FRAME, '"fin":true,', ''),
      edit(FRAME, '"seq":7', '"seq" :7'),
      `${FRAME} `,
      edit(FRAME, '"seq":7', '"seq":-0'),
      edit(FRAME, '"seq":7', '"seq":07'),
      edit(FRAME, '"maskKey":"0a0b0c0d"', '"maskKey":"0A0B0C0D"'),
      edit(FRAME, '"headerLength":6', '"headerLength":15'),
      edit(FRAME, '"lengthEncoding":7', '"lengthEncoding":8'),
      edit(FRAME, '"messageId":3', '"messageId":4294967295'),
      edit(FRAME, '"data":"aGk="', '"data":"aGk"'),
      edit(FRAME, '"t":2.05', '"t":4000000000000001'),
      edit(MESSAGE, '"frames":[7]', '"frames":[7,8]'),
      edit(MESSAGE, '"type":"message"', '"type":"frame"'),
      '{"type":"end","conn":"c1","t":9}',
      HEADER,
      FRAME.slice(0, -1),
    ];
    for (const line of declined) expect(scan(line), line).toBeNull();
  });

  it('declines a line with any byte of a key changed, once it has learned the order of the keys', () => {
    const scanner = new RecordScanner();
    const record = newScannedRecord();
    const takes = (bytes: Uint8Array) => scanner.scan(bytes, 0, bytes.length, record) === bytes.length;
    for (const line of [FRAME, MESSAGE]) {
      const bytes = encode(line);
      expect(takes(bytes)).toBe(true);
      // Each key's quotes, text and colon, each byte changed to a few others (bytes that are not text included).
      for (const key of line.matchAll(/"[A-Za-z0-9]+":/g)) {
        for (let i = key.index; i < key.index + key[0].length; i++) {
          for (const to of [0x00, 0x20, 0x41, 0x7f, 0x80, 0xff, bytes[i]! ^ 0x20, bytes[i]! + 1]) {
            if ((to & 0xff) === bytes[i]) continue;
            const changed = bytes.slice();
            changed[i] = to;
            expect(takes(changed), `${key[0]}: byte ${i - key.index} -> ${to}`).toBe(false);
            expect(takes(bytes)).toBe(true);
          }
        }
      }
    }
  });

  it('reads numbers exactly as JSON.parse does', () => {
    const t = (text: string) => scan(edit(FRAME, '"t":2.05', `"t":${text}`))?.t;
    fc.assert(
      fc.property(fc.double({ min: -4e15, max: 4e15, noNaN: true }), (value) => {
        const text = JSON.stringify(value);
        if (/e/i.test(text)) expect(t(text)).toBeUndefined();
        else expect(Object.is(t(text), JSON.parse(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.stringMatching(/^-?(0|[1-9]\d{0,15})(\.\d{1,25})?$/), (text) => {
        expect(Object.is(t(text), JSON.parse(text))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads counts (seq, sizes, ids) as JSON.parse does, declining what the columns would not hold', () => {
    const seq = (text: string) => scan(edit(FRAME, '"seq":7', `"seq":${text}`))?.seq;
    fc.assert(
      fc.property(fc.stringMatching(/^-?\d{1,21}(\.\d{1,3})?([eE][+-]?\d{1,2})?$/), (text) => {
        const value: unknown = JSON.parse(/^-?0\d/.test(text) ? 'null' : text);
        const read = seq(text);
        // Leading zeros are not JSON; a count is a whole number from 0 to 2^32 - 1, not -0.
        if (read !== undefined) expect(read).toBe(value);
        const holds =
          typeof value === 'number' &&
          Number.isInteger(value) &&
          value >= 0 &&
          value <= 0xffffffff &&
          !Object.is(value, -0) &&
          !/[eE]/.test(text);
        if (holds) expect(read).toBe(value);
        else if (!/[eE]/.test(text)) expect(read).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('reads numbers as JSON.parse does line after line, a time repeated or changed in its last digit', () => {
    const scanner = new RecordScanner();
    const record = newScannedRecord();
    const long = fc.stringMatching(/^(0|[1-9]\d{0,5})\.\d{12,20}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(long, fc.constantFrom('same', 'last digit', 'new')), {
          minLength: 1,
          maxLength: 30,
        }),
        (steps) => {
          let text = steps[0]![0];
          for (const [fresh, step] of steps) {
            if (step === 'new') text = fresh;
            else if (step === 'last digit') text = text.slice(0, -1) + String((Number(text.at(-1)) + 1) % 10);
            const bytes = encode(edit(FRAME, '"t":2.05', `"t":${text}`));
            expect(scanner.scan(bytes, 0, bytes.length, record)).toBe(bytes.length);
            expect(Object.is(record.t, JSON.parse(text)), text).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes the payload, and only from its canonical base64', () => {
    const payload = (data: string) => {
      const record = scan(edit(FRAME, '"data":"aGk="', `"data":"${data}"`));
      return record && [...record.payload.subarray(0, record.payloadBytes)];
    };
    expect(payload('aGk=')).toEqual([0x68, 0x69]);
    expect(payload('aGV5')).toEqual([0x68, 0x65, 0x79]);
    expect(payload('')).toEqual([]);
    const long = Buffer.from(Uint8Array.from({ length: 3000 }, (_, i) => i & 0xff));
    expect(payload(long.toString('base64'))).toEqual([...long]);
    for (const bad of ['aGl=', 'aGk', 'aG==', 'aR==', 'a===', '=aGk', 'aGk=aGk=', 'aG-k', 'aGk\\u003d'])
      expect(payload(bad), bad).toBeNull();
  });

  it('decodes a payload repeated from the record before only when its text is the same to the last byte', () => {
    const frameWith = (data: string) => encode(edit(FRAME, '"data":"aGk="', `"data":"${data}"`));
    const messageWith = (data: string) => encode(edit(MESSAGE, '"data":"aGk="', `"data":"${data}"`));
    const decoded = (record: ScannedRecord) => [...record.payload.subarray(0, record.payloadBytes)];
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.constantFrom('A', 'B', '0', '+', '/', '='),
        (bytes, at, replacement) => {
          const scanner = new RecordScanner();
          const record = newScannedRecord();
          const data = Buffer.from(bytes).toString('base64');
          const frame = frameWith(data);
          expect(scanner.scan(frame, 0, frame.length, record)).toBe(frame.length);
          const serial = record.payloadSerial;
          // The same text: nothing decoded again, the payload in hand is the frame's.
          const same = messageWith(data);
          expect(scanner.scan(same, 0, same.length, record)).toBe(same.length);
          expect(record.payloadSerial).toBe(serial);
          expect(decoded(record)).toEqual([...bytes]);
          // One character changed (anywhere, the last ones too), or the text longer or shorter by a group.
          const i = at % data.length;
          for (const other of [
            data.slice(0, i) + replacement + data.slice(i + 1),
            `${data}AAAA`,
            data.slice(0, -4),
          ]) {
            if (other === data) continue;
            const line = messageWith(other);
            const end = scanner.scan(line, 0, line.length, record);
            const canonical = Buffer.from(other, 'base64').toString('base64') === other;
            if (!canonical) expect(end).toBe(-1);
            else {
              expect(end).toBe(line.length);
              expect(record.payloadSerial).not.toBe(serial);
              expect(decoded(record)).toEqual([...Buffer.from(other, 'base64')]);
            }
            // And back to the frame's text: decoded again, as what is in hand is no longer its bytes.
            expect(scanner.scan(same, 0, same.length, record)).toBe(same.length);
            expect(decoded(record)).toEqual([...bytes]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes again after a payload that failed halfway, or another scanner, wrote over the bytes in hand', () => {
    const scanner = new RecordScanner();
    const record = newScannedRecord();
    const lines = [
      FRAME,
      // Valid groups first ("hello, wo"), then a bad character: the bytes in hand are overwritten, then refused.
      edit(FRAME, '"data":"aGk="', '"data":"aGVsbG8sIHdv!!!!"'),
      MESSAGE,
    ].map(encode);
    expect(lines.map((line) => scanner.scan(line, 0, line.length, record))).toEqual([
      lines[0]!.length,
      -1,
      lines[2]!.length,
    ]);
    expect([...record.payload.subarray(0, record.payloadBytes)]).toEqual([0x68, 0x69]);

    const frame = encode(FRAME);
    const other = encode(edit(FRAME, '"data":"aGk="', '"data":"aGV5"'));
    expect(scanner.scan(frame, 0, frame.length, record)).toBe(frame.length);
    expect(new RecordScanner().scan(other, 0, other.length, record)).toBe(other.length);
    const message = encode(MESSAGE);
    expect(scanner.scan(message, 0, message.length, record)).toBe(message.length);
    expect([...record.payload.subarray(0, record.payloadBytes)]).toEqual([0x68, 0x69]);
  });
});

describe('ColumnarLog.pushScanned', () => {
  /** Pushes the lines scanned (parsed when declined) and parsed: the chunks must be equal. */
  const pushBoth = (lines: string[]) => {
    const scanned = new ColumnarLog();
    const parsed = new ColumnarLog();
    const taken = lines.map((line) => {
      const record = scan(line);
      const index = record ? scanned.pushScanned(record, 'c1') : -1;
      if (index < 0) scanned.push(JSON.parse(line) as CaptureEvent);
      parsed.push(JSON.parse(line) as CaptureEvent);
      return index >= 0;
    });
    expect(scanned.takeChunk()).toEqual(parsed.takeChunk());
    return { taken };
  };

  it('holds a frame and its message in columns, the message sharing the frame payload', () => {
    const log = new ColumnarLog();
    const { taken } = pushBoth([FRAME, MESSAGE]);
    expect(taken).toEqual([true, true]);
    for (const line of [FRAME, MESSAGE]) log.pushScanned(scan(line)!, 'c1');
    expect(log.facts(0, { held: 0, dir: 'c2s', opcode: 0, size: 0 }).held).toBe(HELD_FRAME);
    expect(log.facts(1, { held: 0, dir: 'c2s', opcode: 0, size: 0 }).held).toBe(HELD_MESSAGE);
    expect([...log.payloadBytes(1)!]).toEqual([0x68, 0x69]);
    expect([...log.range()]).toEqual([JSON.parse(FRAME), JSON.parse(MESSAGE)]);
  });

  it('declines what push would hold as an object: non-canonical base64, a seq going backwards, another conn', () => {
    const nonCanonical = edit(FRAME, '"data":"aGk="', '"data":"aGl="');
    expect(pushBoth([nonCanonical]).taken).toEqual([false]);
    const later = edit(FRAME, '"seq":7', '"seq":9');
    expect(pushBoth([later, FRAME, later]).taken).toEqual([true, false, false]);
    const log = new ColumnarLog();
    expect(log.pushScanned(scan(FRAME)!, 'c1')).toBe(0);
    expect(log.pushScanned(scan(MESSAGE)!, 'c2')).toBe(-1);
    expect(log.length).toBe(1);
  });

  it('a message with other bytes than its frame keeps its own copy; its record is the same', () => {
    const other = edit(MESSAGE, '"data":"aGk="', '"data":"aGV5"');
    expect(pushBoth([FRAME, other]).taken).toEqual([true, true]);
  });

  it('a message repeating the text of the frame scanned before it shares only that frame’s bytes', () => {
    // The scanned frame's chunk is handed over; a frame of the same payload length but other bytes, pushed as a record,
    // takes its place in the columns; the message names that frame but has the first one's text.
    const frame8 = edit(edit(FRAME, '"seq":7', '"seq":8'), '"data":"aGk="', '"data":"aGU="');
    const message8 = edit(MESSAGE, '"frames":[7]', '"frames":[8]');
    const scanner = new RecordScanner();
    const record = newScannedRecord();
    const scanned = new ColumnarLog();
    const parsed = new ColumnarLog();
    const frame = encode(FRAME);
    expect(scanner.scan(frame, 0, frame.length, record)).toBe(frame.length);
    scanned.pushScanned(record, 'c1');
    parsed.push(JSON.parse(FRAME) as CaptureEvent);
    expect(scanned.takeChunk()).toEqual(parsed.takeChunk());
    for (const log of [scanned, parsed]) log.push(JSON.parse(frame8) as CaptureEvent);
    const message = encode(message8);
    expect(scanner.scan(message, 0, message.length, record)).toBe(message.length);
    expect(scanned.pushScanned(record, 'c1')).toBe(1);
    parsed.push(JSON.parse(message8) as CaptureEvent);
    expect([...scanned.payloadBytes(1)!]).toEqual([0x68, 0x69]);
    expect(scanned.takeChunk()).toEqual(parsed.takeChunk());
  });

  it('a message whose frame was held as an object still compares with the frame payload', () => {
    const objectFrame = edit(FRAME, '"fin":true', '"fin":true,"ref":"r"');
    expect(pushBoth([objectFrame, MESSAGE]).taken).toEqual([false, true]);
    expect(pushBoth([FRAME, edit(MESSAGE, '"size":2', '"size":2,"ref":"r"')]).taken).toEqual([true, false]);
  });
});

describe('createSessionByteReader', () => {
  it('reads declined lines the ordinary way and numbers problems by line as the text reader does', () => {
    const lines = [
      HEADER,
      FRAME,
      '',
      edit(MESSAGE, '"dir":"c2s"', '"dir":"c\\u0032s"'),
      'not json',
      edit(FRAME, '"seq":7', '"seq":8,"seq":9'),
      edit(FRAME, '"seq":7', '"seq":1e1'),
      '{"type":"frame","conn":"c1","t":1,"frame":{"seq":"x"}}',
      FRAME.slice(0, 40),
    ];
    const bytes = encode(lines.join('\r\n'));
    const events: CaptureEvent[] = [];
    let taken = 0;
    const reader = createSessionByteReader({
      scanned: () => {
        taken++;
        return false;
      },
      event: (event) => events.push(event),
    });
    const problems = [];
    for (let at = 0; at < bytes.length; at += 7)
      problems.push(...reader.push(bytes.subarray(at, at + 7)).problems);
    problems.push(...reader.end().problems);
    expect(taken).toBe(1);
    expect(events).toEqual([
      JSON.parse(lines[1]!),
      JSON.parse(lines[3]!),
      JSON.parse(lines[5]!),
      JSON.parse(lines[6]!),
    ]);
    expect(events[2]).toMatchObject({ frame: { seq: 9 } });
    expect(problems.map((p) => p.line)).toEqual([5, 8, 9]);
    expect(problems[2]!.message).toMatch(/^last line is truncated/);
  });
});
