import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DECODERS } from '../../../shared/decoders/index.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import type { ProtocolId } from '../../../shared/decoders/types.js';
import { parseDecodedQuery } from '../../../renderer/src/filters/decoded-query.js';
import { ROW_MESSAGE, ROW_OPCODE_SHIFT, ROW_S2C } from '../../../renderer/src/filters/row-kind.js';
import type { AppendRows, FromSearcher } from '../../../renderer/src/filters/search-core.js';
import { SearchCore } from '../../../renderer/src/filters/search-core.js';

const encoder = new TextEncoder();

interface Row {
  message: boolean;
  s2c: boolean;
  opcode: number;
  bytes: Uint8Array;
}

/** Rows as the page sends them, from event index `first` on (every third index skipped: rows of other views). */
function appendOf(rows: Row[], first: number): AppendRows {
  const offsets = new Uint32Array(rows.length + 1);
  rows.forEach((row, i) => (offsets[i + 1] = offsets[i]! + row.bytes.length));
  const bytes = new Uint8Array(offsets[rows.length]!);
  rows.forEach((row, i) => bytes.set(row.bytes, offsets[i]));
  return {
    type: 'append',
    key: 'k',
    indices: Uint32Array.from(rows, (_, i) => indexOf(first + i)),
    offsets,
    bytes,
    texts: {},
    truncated: new Uint8Array(rows.length),
    kinds: Uint8Array.from(
      rows,
      (row) => (row.message ? ROW_MESSAGE : 0) | (row.s2c ? ROW_S2C : 0) | (row.opcode << ROW_OPCODE_SHIFT),
    ),
  };
}

const indexOf = (row: number): number => row + Math.floor(row / 2);

const choiceOf = (protocol: ProtocolId): DecoderChoice => ({
  protocol,
  by: 'override',
  evidence: '',
  context: {},
});

const JSON_RPC_TEXTS = [
  '{"jsonrpc":"2.0","method":"subscribe","id":1}',
  '{"jsonrpc":"2.0","method":"Subscribe","id":"1"}',
  '{"jsonrpc":"2.0","method":"tick"}',
  '{"jsonrpc":"2.0","result":7,"id":1}',
  '{"jsonrpc":"2.0","error":{"code":-32601,"message":"nope"},"id":2}',
  '[{"jsonrpc":"2.0","method":"a","id":3},{"jsonrpc":"2.0","method":"b","id":4}]',
  '{"jsonrpc":"1.0","method":"old"}',
  '\ufeff{"jsonrpc":"2.0","method":"bom"}',
  '{"jsonrpc":"2.0","method":"caf\u00e9","id":"\u00e9"}',
  '{"type":"quote","id":"order-0"}',
  'not json',
  '',
];

const rowArbitrary = fc.oneof(
  fc.record({
    message: fc.constant(true),
    s2c: fc.boolean(),
    opcode: fc.constant(1),
    bytes: fc.constantFrom(...JSON_RPC_TEXTS).map((text) => encoder.encode(text)),
  }),
  // Binary messages, some not UTF-8 at all, and frames of other views (pings, closes) that never match.
  fc.record({
    message: fc.boolean(),
    s2c: fc.boolean(),
    opcode: fc.constantFrom(2, 9, 8),
    bytes: fc.uint8Array({ maxLength: 12 }),
  }),
);

const QUERIES = [
  'kind = request',
  'kind = undecodable',
  'event = subscribe',
  'event ~ ^caf',
  'event = caf\u00e9 and id = \u00e9',
  'id = 1 and kind != result',
  'id !~ .',
  'protocol = json-rpc',
  'kind ~ batch',
];

/** The decoder itself, not the spy some tests put in its place. */
const decodeJsonRpc = DECODERS['json-rpc'];

/** What each query matches when every candidate message is decoded on its own from its bytes. */
function expected(rows: Row[], query: string): number[] {
  const parsed = parseDecodedQuery(query);
  if (!parsed?.ok) throw new Error(query);
  return rows.flatMap((row, i) => {
    if (!row.message) return [];
    const input = {
      dir: row.s2c ? 's2c' : 'c2s',
      opcode: row.opcode,
      bytes: row.bytes,
      truncated: false,
    } as const;
    return parsed.test(decodeJsonRpc(input, {})) ? [indexOf(i)] : [];
  });
}

async function search(
  core: SearchCore,
  id: number,
  pattern: string,
  candidates: Uint32Array,
): Promise<number[]> {
  core.announce(id);
  const reply: FromSearcher = await core.search(
    { type: 'search', id, key: 'k', candidates, pattern, mode: 'decoded', decoder: choiceOf('json-rpc') },
    () => Promise.resolve(),
  );
  if (reply.type !== 'result') throw new Error(JSON.stringify(reply));
  return Array.from(reply.matches);
}

afterEach(() => vi.restoreAllMocks());

describe('the decoded-field index (messages decoded once per decoder)', () => {
  it('answers queries as decoding each message would, across chunks, slices and text given as ASCII slices', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(rowArbitrary, { maxLength: 400 }), { maxLength: 4 }),
        async (parts) => {
          const core = new SearchCore();
          core.decoderChosen('k', choiceOf('json-rpc'));
          const rows: Row[] = [];
          let id = 0;
          for (const part of parts) {
            core.append(appendOf(part, rows.length));
            rows.push(...part);
            // A chunk of no rows (events the searcher is not sent) may follow: it changes nothing.
            if (part.length % 2 === 1) core.append(appendOf([], rows.length));
            // Decoded ahead a few hundred rows at a time (a deadline already past), as the worker does between tasks.
            core.prepare(0);
            const candidates = Uint32Array.from(rows, (_, i) => indexOf(i));
            for (const query of QUERIES)
              expect({ query, rows: await search(core, ++id, query, candidates) }).toEqual({
                query,
                rows: expected(rows, query),
              });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('decodes each message once: ahead of queries, then only the rows that arrive', async () => {
    const decode = vi.spyOn(DECODERS, 'json-rpc');
    const core = new SearchCore();
    const first = Array.from({ length: 3000 }, (_, i) => ({
      message: i % 3 !== 2,
      s2c: false,
      opcode: 1,
      bytes: encoder.encode(JSON_RPC_TEXTS[i % JSON_RPC_TEXTS.length]),
    }));
    core.append(appendOf(first, 0));
    core.decoderChosen('k', choiceOf('json-rpc'));
    let slices = 1;
    while (!core.prepare(0)) slices++;
    expect(slices).toBeGreaterThan(5);
    expect(decode).toHaveBeenCalledTimes(2000);
    const candidates = Uint32Array.from(first, (_, i) => indexOf(i));
    expect(await search(core, 1, 'event = subscribe', candidates)).toEqual(
      expected(first, 'event = subscribe'),
    );
    expect(await search(core, 2, 'kind != request', candidates)).toEqual(expected(first, 'kind != request'));
    expect(decode).toHaveBeenCalledTimes(2000);
    const more = first.slice(0, 30);
    core.append(appendOf(more, first.length));
    const all = [...first, ...more];
    expect(
      await search(
        core,
        3,
        'event = subscribe',
        Uint32Array.from(all, (_, i) => indexOf(i)),
      ),
    ).toEqual(expected(all, 'event = subscribe'));
    expect(decode).toHaveBeenCalledTimes(2020);
    // Another decoder is another index; switching back decodes again (one index a connection is kept).
    core.decoderChosen('k', choiceOf('stomp'));
    core.decoderChosen('k', choiceOf('json-rpc'));
    while (!core.prepare(Number.POSITIVE_INFINITY));
    expect(decode).toHaveBeenCalledTimes(4040);
  });

  it('keeps what a superseded query decoded: the newer one goes on from there', async () => {
    const decode = vi.spyOn(DECODERS, 'json-rpc');
    const core = new SearchCore();
    const rows = Array.from({ length: 40_000 }, (_, i) => ({
      message: true,
      s2c: false,
      opcode: 1,
      bytes: encoder.encode(`{"jsonrpc":"2.0","method":"m${i % 7}","id":${i}}`),
    }));
    core.append(appendOf(rows, 0));
    const candidates = Uint32Array.from(rows, (_, i) => indexOf(i));
    const request = (id: number, pattern: string) =>
      ({
        type: 'search',
        id,
        key: 'k',
        candidates,
        pattern,
        mode: 'decoded',
        decoder: choiceOf('json-rpc'),
      }) as const;
    let yields = 0;
    core.announce(1);
    const first = await core.search(request(1, 'event = m1'), () => {
      // A newer query arrives while the first is decoding.
      if (++yields === 2) core.announce(2);
      return Promise.resolve();
    });
    expect(first).toEqual({ type: 'superseded', id: 1 });
    const decodedByFirst = decode.mock.calls.length;
    expect(decodedByFirst).toBeGreaterThan(0);
    expect(decodedByFirst).toBeLessThan(rows.length);
    const second = await core.search(request(2, 'event = m3'), () => Promise.resolve());
    expect(second.type === 'result' && Array.from(second.matches)).toEqual(expected(rows, 'event = m3'));
    expect(decode).toHaveBeenCalledTimes(rows.length);
  });

  it('answers the candidates decoded so far in parts while it decodes the rest', async () => {
    const core = new SearchCore();
    const rows = Array.from({ length: 100_000 }, (_, i) => ({
      message: i % 10 !== 9,
      s2c: false,
      opcode: 1,
      bytes: encoder.encode(`{"jsonrpc":"2.0","method":"m${i % 7}","id":${i}}`),
    }));
    core.append(appendOf(rows, 0));
    const candidates = Uint32Array.from(rows, (_, i) => indexOf(i));
    const parts: { matches: number[]; answered: number }[] = [];
    core.announce(1);
    const reply = await core.search(
      {
        type: 'search',
        id: 1,
        key: 'k',
        candidates,
        pattern: 'event = m3',
        mode: 'decoded',
        decoder: choiceOf('json-rpc'),
      },
      // Time passes between slices (other tasks of the worker), so parts are due.
      () => new Promise((resolve) => setTimeout(resolve, 20)),
      (part) => {
        if (part.type !== 'partial') throw new Error(part.type);
        parts.push({ matches: Array.from(part.matches), answered: part.answered });
      },
    );
    if (reply.type !== 'result') throw new Error(reply.type);
    expect(parts.length).toBeGreaterThan(0);
    const answered = parts.reduce((sum, part) => sum + part.answered, 0);
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(candidates.length);
    // Each part answers the candidates that follow the last one's: together with the result, in order, the answer.
    let at = 0;
    for (const part of parts) {
      const end = at + part.answered;
      expect(part.matches.every((index) => index >= candidates[at]! && index <= candidates[end - 1]!)).toBe(
        true,
      );
      at = end;
    }
    expect([...parts.flatMap((part) => part.matches), ...reply.matches]).toEqual(
      expected(rows, 'event = m3'),
    );
  });

  it('drops the index when decoding is turned off or the connection forgotten', async () => {
    const decode = vi.spyOn(DECODERS, 'json-rpc');
    const core = new SearchCore();
    const rows = [{ message: true, s2c: true, opcode: 1, bytes: encoder.encode(JSON_RPC_TEXTS[0]) }];
    core.append(appendOf(rows, 0));
    core.decoderChosen('k', choiceOf('json-rpc'));
    core.decoderChosen('k', { ...choiceOf('json-rpc'), protocol: 'none' });
    expect(core.prepare(Number.POSITIVE_INFINITY)).toBe(true);
    expect(decode).not.toHaveBeenCalled();
    core.decoderChosen('k', choiceOf('json-rpc'));
    core.forget('k');
    expect(core.prepare(Number.POSITIVE_INFINITY)).toBe(true);
    expect(decode).not.toHaveBeenCalled();
    expect(await search(core, 1, 'kind = request', new Uint32Array([0]))).toEqual([]);
  });

  it('keeps the decoded fields of the eight connections chosen last', () => {
    const decode = vi.spyOn(DECODERS, 'json-rpc');
    const core = new SearchCore();
    const rows = [{ message: true, s2c: true, opcode: 1, bytes: encoder.encode(JSON_RPC_TEXTS[0]) }];
    const keys = Array.from({ length: 9 }, (_, i) => `c${i}`);
    for (const key of keys) {
      core.append({ ...appendOf(rows, 0), key });
      core.decoderChosen(key, choiceOf('json-rpc'));
    }
    while (!core.prepare(Number.POSITIVE_INFINITY));
    expect(decode).toHaveBeenCalledTimes(8);
    // c1 is the oldest kept: chosen again, it is not decoded again; c0 was given back and is.
    core.decoderChosen('c1', choiceOf('json-rpc'));
    core.decoderChosen('c0', choiceOf('json-rpc'));
    while (!core.prepare(Number.POSITIVE_INFINITY));
    expect(decode).toHaveBeenCalledTimes(9);
    core.decoderChosen('c1', choiceOf('json-rpc'));
    while (!core.prepare(Number.POSITIVE_INFINITY));
    expect(decode).toHaveBeenCalledTimes(9);
  });
});
