import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../../shared/model/index.js';
import { parseSession } from '../../../shared/session/parse.js';
import type { SessionStreamBatch } from '../../../shared/session/session-stream.js';
import { createSessionStreamParser } from '../../../shared/session/session-stream.js';
import { createSessionHeader, serializeEvent, serializeSession } from '../../../shared/session/serialize.js';

const header = createSessionHeader(1_700_000_000_000, 'wsi test');
const frame = (seq: number, data: string): CaptureEvent => ({
  type: 'frame',
  conn: 'c1',
  t: 3 + seq,
  frame: {
    seq,
    dir: seq % 2 ? 'c2s' : 's2c',
    offset: 0,
    fin: true,
    rsv1: false,
    rsv2: false,
    rsv3: false,
    opcode: 1,
    masked: seq % 2 === 1,
    lengthEncoding: 7,
    headerLength: 2,
    payloadLength: 2,
    data,
    truncated: false,
  },
});
const events: CaptureEvent[] = [
  { type: 'connection', conn: 'c1', t: 0.5, mode: 'client', url: 'ws://127.0.0.1:1/é', at: 1.5 },
  { type: 'open', conn: 'c1', t: 1, protocol: '', extensions: [] },
  frame(1, 'aGk='),
  frame(2, 'w6k='),
  { type: 'end', conn: 'c1', t: 9 },
];
const fullText = serializeSession({ header, events });

/** Feed `text` in the given pieces and merge what comes out. */
function streamParse(pieces: string[]): SessionStreamBatch {
  const parser = createSessionStreamParser();
  const merged: SessionStreamBatch = { events: [], problems: [] };
  for (const batch of [...pieces.map((p) => parser.push(p)), parser.end()]) {
    if (batch.header) merged.header = batch.header;
    merged.events.push(...batch.events);
    merged.problems.push(...batch.problems);
  }
  return merged;
}

const splitAt = (text: string, cuts: number[]): string[] =>
  [0, ...cuts, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));

describe('createSessionStreamParser', () => {
  it('reads the same header and records wherever the chunk boundaries fall', () => {
    for (let cut = 0; cut <= fullText.length; cut++) {
      const result = streamParse(splitAt(fullText, [cut]));
      expect(result.header).toEqual(header);
      expect(result.events).toEqual(events);
      expect(result.problems).toEqual([]);
    }
  });

  it('handles one-character chunks and random chunking', () => {
    expect(streamParse([...fullText]).events).toEqual(events);
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let run = 0; run < 50; run++) {
      const cuts = Array.from({ length: 6 }, () => Math.floor(random() * fullText.length)).sort(
        (a, b) => a - b,
      );
      expect(streamParse(splitAt(fullText, cuts)).events).toEqual(events);
    }
  });

  it('returns records as soon as their line is complete', () => {
    const parser = createSessionStreamParser();
    const lines = fullText.split('\n');
    expect(parser.push(`${lines[0]}\n${lines[1]}`)).toMatchObject({ header, events: [] });
    expect(parser.push('\n').events).toEqual([events[0]]);
    expect(parser.lines).toBe(2);
  });

  it('accepts CRLF line endings, also with \\r and \\n in different chunks', () => {
    const crlf = fullText.replace(/\n/g, '\r\n');
    const at = crlf.indexOf('\r\n') + 1;
    const result = streamParse(splitAt(crlf, [at]));
    expect(result.problems).toEqual([]);
    expect(result.events).toEqual(events);
  });

  it('reports a truncated last line at end() and keeps the complete records', () => {
    const cut = fullText.slice(0, fullText.length - 5);
    const parser = createSessionStreamParser();
    expect(parser.push(cut).problems).toEqual([]);
    const last = parser.end();
    expect(last.events).toEqual([]);
    expect(last.problems).toHaveLength(1);
    expect(last.problems[0]?.line).toBe(6);
    expect(last.problems[0]?.message).toMatch(/truncated/);
  });

  it('accepts a complete last line without a newline', () => {
    expect(streamParse([fullText.slice(0, -1)]).events).toEqual(events);
  });

  it('reports a bad header and still reads the records', () => {
    const result = streamParse(['{"format":"other","vers', 'ion":1}\n', serializeEvent(events[0]!)]);
    expect(result.header).toBeUndefined();
    expect(result.problems.map((p) => p.line)).toEqual([1]);
    expect(result.problems[0]?.message).toMatch(/format is "other"/);
    expect(result.events).toEqual([events[0]]);
  });

  it('keeps bad lines as problems with their line numbers', () => {
    const lines = fullText.split('\n');
    lines.splice(3, 0, '{"type":"frame","conn":"c1","t":3}', '{oops');
    const result = streamParse(splitAt(lines.join('\n'), [17, 250, 251]));
    expect(result.events).toEqual(events);
    expect(result.problems.map((p) => p.line)).toEqual([4, 5]);
    expect(result.problems[0]?.message).toMatch(/field "frame" must be an object/);
    expect(result.problems[1]?.message).toMatch(/not valid JSON/);
  });

  it('reports an empty input', () => {
    expect(streamParse([]).problems[0]?.message).toMatch(/empty/);
    expect(streamParse(['', '\n\n']).problems[0]?.message).toMatch(/empty/);
  });

  it('gives the same result as parseSession on damaged and intact files', () => {
    const samples = [
      fullText,
      fullText.slice(0, -7),
      fullText.replace('\n', '\n{not json\n\n'),
      fullText.replace(/\n/g, '\r\n'),
      serializeEvent(events[0]!) + serializeEvent(events[1]!),
      '',
    ];
    for (const text of samples) {
      const streamed = streamParse(splitAt(text, [Math.floor(text.length / 3), Math.floor(text.length / 2)]));
      const whole = parseSession(text);
      expect(streamed.events).toEqual(whole.session.events);
      expect(streamed.problems).toEqual(whole.problems);
      if (streamed.header) expect(streamed.header).toEqual(whole.session.header);
    }
  });
});
