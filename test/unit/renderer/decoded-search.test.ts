import { generate } from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { chooseDecoder, decoderInput } from '../../../shared/decoders/index.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Direction } from '../../../shared/model/wire.js';
import { inProcessPort, SearchEngine } from '../../../renderer/src/filters/search-engine.js';
import { decodedMessage } from '../../../renderer/src/store/decoder-choice.js';
import { ConnectionLog } from '../../../renderer/src/store/hot-log.js';
import { compileRowFilter, RowIndex } from '../../../renderer/src/store/rows.js';
import type { RowFilter, RowView } from '../../../renderer/src/store/rows.js';
import { ConnBuilder } from '../analysis/builders.js';

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

async function settled(index: RowIndex, log: ConnectionLog, filter: RowFilter): Promise<RowView> {
  for (let i = 0; i < 1000; i++) {
    const view = index.view('k', log, filter);
    if (!view.pending) return view;
    await tick();
  }
  throw new Error('the search never finished');
}

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EVENTS = ['chat:message', 'typing', 'join', 'Chat:Message', 'leave'];
const NAMESPACES = ['', '/admin,', '/chat,'];

function socketIoSession(seed: number, count: number): CaptureEvent[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const builder = new ConnBuilder('c1', 'client', 'ws://h/socket.io/?EIO=4&transport=websocket')
    .handshake(0)
    .message(1, 's2c', '0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000}')
    .message(2, 'c2s', '40');
  for (let i = 0; i < count; i++) {
    const dir: Direction = next() < 0.5 ? 'c2s' : 's2c';
    const t = 3 + i;
    const r = next();
    if (r < 0.1) builder.ping(t, dir);
    else if (r < 0.2) builder.message(t, dir, r < 0.15 ? '2' : '3');
    else if (r < 0.3) builder.message(t, dir, `43${i}[${i % 3 === 0 ? 'true' : '"ok"'}]`);
    else if (r < 0.35) builder.message(t, dir, new Uint8Array([1, 2, i & 0xff]));
    else builder.message(t, dir, `42${pick(NAMESPACES)}${r < 0.6 ? i : ''}["${pick(EVENTS)}",{"n":${i}}]`);
  }
  return builder.events;
}

function mqttSession(seed: number, count: number): CaptureEvent[] {
  const next = random(seed);
  const builder = new ConnBuilder('c1', 'client', 'ws://h/mqtt')
    .handshake(0)
    .message(
      1,
      'c2s',
      packet({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'x' } as never),
    );
  let carried: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const topic = `sensors/${Math.floor(next() * 5)}/t`;
    let bytes = packet({
      cmd: 'publish',
      topic,
      payload: `v${i}`,
      qos: 0,
      dup: false,
      retain: false,
    } as never);
    if (carried.length) bytes = new Uint8Array([...carried, ...bytes]);
    carried = new Uint8Array(0);
    // Now and then a packet is split across two WebSocket messages: only the stream decoder reads it whole.
    if (next() < 0.15 && bytes.length > 4) {
      carried = bytes.subarray(3);
      bytes = bytes.subarray(0, 3);
    }
    builder.message(2 + i, 'c2s', bytes);
  }
  return builder.events;
}

const packet = (p: never): Uint8Array => new Uint8Array(generate(p, { protocolVersion: 4 }));

function choiceFor(events: CaptureEvent[], url: string): DecoderChoice {
  const messages = events.flatMap((e) => (e.type === 'message' ? [decoderInput(e.message)] : []));
  return chooseDecoder({ url, messages });
}

describe('decoded-field filters in the searcher (off the main thread)', () => {
  const socketIoQueries = [
    'event = "chat:message"',
    'event ~ ^(join|leave)$',
    'kind = EVENT and topic ~ ^/adm',
    'kind ~ ack',
    'id ~ ^1',
    'event != typing',
  ];

  it('keep exactly the rows the simple record filter keeps, on random Socket.IO sessions', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const events = socketIoSession(seed, 1200);
      const decoder = choiceFor(events, 'ws://h/socket.io/?EIO=4');
      expect(decoder.protocol).toBe('socket.io');
      const log = new ConnectionLog();
      for (const event of events) log.append(event);
      const index = new RowIndex(new SearchEngine(inProcessPort()));
      let decodedHere = 0;
      for (const text of socketIoQueries) {
        for (const mode of ['messages', 'frames'] as const) {
          const simple = compileRowFilter({ mode, showControl: true, text, decoder });
          const expected = events.flatMap((event, i) => (simple(event) ? [i] : []));
          // As the table asks (with its memoised decoder for this thread), answered by the searcher: pending until it
          // replies, and nothing decoded here.
          const filter: RowFilter = {
            mode,
            showControl: true,
            text,
            decoder,
            decode: (message) => {
              decodedHere++;
              return decodedMessage(log, message, decoder);
            },
          };
          expect(index.view('k', log, filter).pending).toBe(true);
          const view = await settled(index, log, filter);
          expect(decodedHere).toBe(0);
          expect({ text, mode, rows: Array.from(view.rows) }).toEqual({ text, mode, rows: expected });
          if (mode === 'messages') expect({ text, count: expected.length }).not.toEqual({ text, count: 0 });
        }
      }
    }
  }, 60_000);

  it('decode MQTT as the table does, the stream read in order (packets split across messages)', async () => {
    for (let seed = 5; seed <= 7; seed++) {
      const events = mqttSession(seed, 600);
      const decoder = choiceFor(events, 'ws://h/mqtt');
      expect(decoder.protocol).toBe('mqtt');
      const log = new ConnectionLog();
      for (const event of events) log.append(event);
      const index = new RowIndex(new SearchEngine(inProcessPort()));
      for (const text of ['topic ~ ^sensors/3/', 'kind = PUBLISH and topic ~ /[12]/']) {
        const filter: RowFilter = {
          mode: 'messages',
          showControl: false,
          text,
          decoder,
          decode: (m) => decodedMessage(log, m, decoder),
        };
        const tableFilter = compileRowFilter(filter);
        const expected = events.flatMap((event, i) => (tableFilter(event) ? [i] : []));
        expect(expected.length).toBeGreaterThan(0);
        expect(index.view('k', log, filter).pending).toBe(true);
        const view = await settled(index, log, filter);
        expect(Array.from(view.rows)).toEqual(expected);
      }
    }
  }, 60_000);

  it('show the first matches while the messages are being decoded, then all of them', async () => {
    const events = socketIoSession(11, 120_000);
    const decoder = choiceFor(events, 'ws://h/socket.io/?EIO=4');
    const log = new ConnectionLog();
    for (const event of events) log.append(event);
    const index = new RowIndex(new SearchEngine(inProcessPort()));
    const filter: RowFilter = { mode: 'messages', showControl: false, text: 'event = typing', decoder };
    const simple = compileRowFilter(filter);
    const expected = events.flatMap((event, i) => (simple(event) ? [i] : []));
    let shownWhilePending = 0;
    let view = index.view('k', log, filter);
    while (view.pending) {
      if (view.rows.length > 0) {
        shownWhilePending = view.rows.length;
        // What is shown early is the start of the answer.
        expect(Array.from(view.rows)).toEqual(expected.slice(0, view.rows.length));
      }
      await tick();
      view = index.view('k', log, filter);
    }
    expect(shownWhilePending).toBeGreaterThan(0);
    expect(shownWhilePending).toBeLessThan(expected.length);
    expect(Array.from(view.rows)).toEqual(expected);
  }, 60_000);

  it('report an invalid pattern in a query and match nothing by it', async () => {
    const events = socketIoSession(9, 50);
    const decoder = choiceFor(events, 'ws://h/socket.io/?EIO=4');
    const log = new ConnectionLog();
    for (const event of events) log.append(event);
    const engine = new SearchEngine(inProcessPort());
    const candidates = Uint32Array.from({ length: log.events.length }, (_, i) => i);
    const outcome = await engine.search('k', log, candidates, 'event ~ (', 'decoded', decoder);
    expect(outcome && 'error' in outcome ? outcome.error : '').toMatch(/event ~ \(/);
  });
});
