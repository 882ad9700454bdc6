import { describe, expect, it } from 'vitest';
import { FrameFilter } from '../../../main/proxy/faults/frame-filter.js';
import { compileRule } from '../../../shared/protocol/message-rule.js';
import { concatBytes, encodeFrame } from '../../helpers/frame-encoder.js';

const MASK = [1, 2, 3, 4];

function run(settings: ConstructorParameters<typeof FrameFilter>[0], input: Uint8Array, chunk = 1) {
  const out: Buffer[] = [];
  const events: string[] = [];
  const filter = new FrameFilter(settings, {
    forward: (b) => out.push(Buffer.from(b)),
    messageForwarded: () => events.push('message'),
    pongSuppressed: (bytes) => events.push(`pong ${bytes}`),
    messageDropped: (rule, opcode, bytes) => events.push(`drop ${opcode} ${bytes} ${rule}`),
  });
  for (let i = 0; i < input.length; i += chunk) filter.push(Buffer.from(input.subarray(i, i + chunk)));
  return { out: Buffer.concat(out), events };
}

describe('FrameFilter', () => {
  const ping = encodeFrame({ opcode: 9, payload: 'p', mask: MASK });
  const pong = encodeFrame({ opcode: 10, payload: 'hi', mask: MASK });
  const first = encodeFrame({ opcode: 1, fin: false, payload: '{"type":', mask: MASK });
  const last = encodeFrame({ opcode: 0, payload: '"auth"}', mask: MASK });
  const other = encodeFrame({ opcode: 1, payload: '{"type":"data"}', mask: MASK });

  it('drops a fragmented message whole, passes a ping between its fragments and the next message unchanged', () => {
    const rule = { jsonPath: '$.type', equals: 'auth' } as const;
    for (const chunk of [1, 3, 1000]) {
      const { out, events } = run(
        { suppressPongs: false, deflate: false, dropRules: [{ matches: compileRule(rule), text: 'auth' }] },
        concatBytes([first, ping, last, other]),
        chunk,
      );
      expect(out).toEqual(Buffer.from(concatBytes([ping, other])));
      expect(events).toEqual([`drop 1 ${first.length + last.length} auth`, 'message']);
    }
  });

  it('swallows pongs only, across any chunking, and counts the messages it forwards', () => {
    const { out, events } = run(
      { suppressPongs: true, deflate: false, dropRules: [] },
      concatBytes([pong, first, ping, last, pong, other]),
    );
    expect(out).toEqual(Buffer.from(concatBytes([first, ping, last, other])));
    expect(events).toEqual([`pong ${pong.length}`, 'message', `pong ${pong.length}`, 'message']);
  });

  it('holds control frames only for rules that name them', () => {
    const rule = { matches: compileRule({ opcode: 'ping' }), text: 'pings', opcode: 9 };
    const { out, events } = run(
      { suppressPongs: false, deflate: false, dropRules: [rule] },
      concatBytes([other, ping, pong]),
    );
    expect(out).toEqual(Buffer.from(concatBytes([other, pong])));
    expect(events).toEqual(['message', `drop 9 ${ping.length} pings`]);
  });
});
