import fc from 'fast-check';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Direction, Side } from '../../../shared/model/wire.js';
import { conn, type ConnBuilder } from './builders.js';

/** Random sessions for property tests: up to three connections of random traffic, their records interleaved. */
const dirArb = fc.constantFrom<Direction>('c2s', 's2c');
const sideArb = fc.constantFrom<Side>('client', 'server');
const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** Text payloads the analyzers read differently: app heartbeats, Socket.IO packets, JSON, anything. */
const textArb = fc.oneof(
  fc.constantFrom('{"type":"ping"}', '{"type":"pong"}', 'ping', 'pong', '2', '3', '{"op":1}', '{"op":11}'),
  fc.constantFrom('42["ask",{}]', '430[{}]', '40', '{"type":"tick","n":1}', '["ping"]'),
  fc.string({ maxLength: 40 }),
);

/** One step of a connection after its handshake; time advances by `gap` first. */
type Step = { gap: number; apply: (b: ConnBuilder, t: number) => void };

const stepArb: fc.Arbitrary<Step> = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1000, max: 120_000 })),
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.tuple(dirArb, textArb).map(
          ([d, s]) =>
            (b: ConnBuilder, t: number) =>
              void b.message(t, d, s),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(dirArb, fc.uint8Array({ maxLength: 20 })).map(
          ([d, bytes]) =>
            (b: ConnBuilder, t: number) =>
              void b.message(t, d, bytes),
        ),
      },
      {
        weight: 2,
        arbitrary: fc
          .record({
            dir: dirArb,
            opcode: fc.integer({ min: 0, max: 15 }),
            fin: fc.boolean(),
            rsv1: fc.boolean(),
            payloadLength: fc.nat({ max: 200_000 }),
            text: textArb,
          })
          .map((f) => (b: ConnBuilder, t: number) => {
            const { dir, opcode, text, ...bits } = f;
            void b.frame(t, dir, opcode, { ...bits, data: base64(text) });
          }),
      },
      {
        weight: 3,
        arbitrary: fc.tuple(dirArb, fc.boolean(), fc.constantFrom('aGk=', 'eA==', '')).map(
          ([d, ping, data]) =>
            (b: ConnBuilder, t: number) =>
              void (ping ? b.ping(t, d, data) : b.pong(t, d, data)),
        ),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            dirArb,
            fc.option(fc.constantFrom(1000, 1001, 1002, 1006, 1011, 4000)),
            fc.option(fc.string({ maxLength: 10 })),
          )
          .map(
            ([d, code, reason]) =>
              (b: ConnBuilder, t: number) =>
                void b.close(t, d, code ?? undefined, code === null ? undefined : (reason ?? undefined)),
          ),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(fc.constantFrom<'fin' | 'rst'>('fin', 'rst'), sideArb).map(
          ([kind, side]) =>
            (b: ConnBuilder, t: number) =>
              void b.tcp(t, kind, side),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.oneof(
          fc.constant((b: ConnBuilder, t: number) => void b.error(t, 'ECONNRESET', 'reset', 'server')),
          fc.constant((b: ConnBuilder, t: number) => void b.violation(t, 's2c', 'MASKED_SERVER_FRAME', 1002)),
          fc.constant((b: ConnBuilder, t: number) => void b.dropped(t, 'c2s', 3, 300)),
        ),
      },
    ),
  )
  .map(([gap, apply]) => ({ gap, apply }));

const connectionArb = fc.record({
  mode: fc.constantFrom<'client' | 'proxy'>('client', 'proxy'),
  url: fc.constantFrom('ws://example.test/socket', 'ws://example.test/socket.io/?EIO=4&transport=websocket'),
  handshake: fc.boolean(),
  steps: fc.array(stepArb, { maxLength: 120 }),
  ended: fc.boolean(),
});

/** Connections' records interleaved in a random order that keeps each connection's own order. */
export const sessionArb = fc
  .tuple(fc.array(connectionArb, { minLength: 1, maxLength: 3 }), fc.infiniteStream(fc.nat()))
  .map(([connections, choices]) => {
    const lists = connections.map((c, i) => {
      const b = conn(`c${i}`, c.mode, c.url);
      let t = i * 7;
      if (c.handshake) b.handshake(t);
      for (const step of c.steps) {
        t += step.gap;
        step.apply(b, t);
      }
      if (c.ended) b.end(t + 1);
      return b.events;
    });
    const out: CaptureEvent[] = [];
    const at = lists.map(() => 0);
    const choice = choices[Symbol.iterator]();
    for (;;) {
      const open = lists.map((l, i) => i).filter((i) => at[i]! < lists[i]!.length);
      if (open.length === 0) return out;
      const i = open[(choice.next().value as number) % open.length]!;
      out.push(lists[i]![at[i]!++]!);
    }
  });
