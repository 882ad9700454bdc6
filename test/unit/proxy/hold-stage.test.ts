import { describe, expect, it } from 'vitest';
import { HoldStage, type HoldUnit } from '../../../main/proxy/breakpoints/hold-stage.js';
import { concatBytes, encodeFrame } from '../../helpers/frame-encoder.js';

const MASK = [1, 2, 3, 4];
const f = {
  hello: encodeFrame({ opcode: 1, payload: 'hello', mask: MASK }),
  frag: encodeFrame({ opcode: 1, fin: false, payload: 'frag', mask: MASK }),
  ping: encodeFrame({ opcode: 9, payload: 'ping', mask: MASK }),
  cont: encodeFrame({ opcode: 0, payload: 'ment hold', mask: MASK }),
  binary: encodeFrame({ opcode: 2, payload: new Uint8Array(300).fill(7), mask: MASK }),
  after: encodeFrame({ opcode: 1, payload: 'after', mask: MASK }),
};
const stream = Buffer.from(concatBytes([f.hello, f.frag, f.ping, f.cont, f.binary, f.after]));

function stage(contains: string | undefined) {
  const out: Buffer[] = [];
  const held: HoldUnit[] = [];
  const queued: number[] = [];
  const s = new HoldStage(
    {
      masked: true,
      deflate: false,
      senderTakeover: false,
      windowBits: 15,
      match: (subject) =>
        contains !== undefined && Buffer.from(subject.payload).toString().includes(contains)
          ? 'rule'
          : undefined,
      holds: (opcode) => contains !== undefined && opcode < 8,
    },
    {
      forward: (bytes) => out.push(Buffer.from(bytes)),
      held: (unit) => held.push(unit),
      queued: (count) => queued.push(count),
      pressure: () => undefined,
    },
  );
  return { s, out: () => Buffer.concat(out), writes: out, held, queued };
}

/** Feeds `bytes` in pieces of `size`. */
function feed(s: HoldStage, bytes: Buffer, size: number): void {
  for (let at = 0; at < bytes.length; at += size) s.push(bytes.subarray(at, at + size));
}

describe('HoldStage', () => {
  it('without rules passes every byte unchanged, a whole chunk in one write, however the stream is cut', () => {
    for (const size of [1, 2, 3, 7, 64, stream.length]) {
      const t = stage(undefined);
      feed(t.s, stream, size);
      expect(t.out().equals(stream)).toBe(true);
    }
    const whole = stage(undefined);
    whole.s.push(stream);
    expect(whole.writes).toHaveLength(1);
  });

  it('holds a fragmented message whole; a ping passes it; what follows waits in order until forwarded', () => {
    for (const size of [1, 5, stream.length]) {
      const t = stage('fragment hold');
      feed(t.s, stream, size);
      expect(t.held.map((u) => u.plain?.toString())).toEqual(['fragment hold']);
      expect(t.out()).toEqual(Buffer.from(concatBytes([f.hello, f.ping])));
      expect(t.s.queuedCount).toBe(2);
      t.s.forward();
      expect(t.out()).toEqual(Buffer.from(concatBytes([f.hello, f.ping, f.frag, f.cont, f.binary, f.after])));
      expect(t.s.queuedCount).toBe(0);
    }
  });

  it('writes a replacement masked, and drops', () => {
    const t = stage('hello');
    t.s.push(Buffer.from(encodeFrame({ opcode: 1, payload: 'hello', mask: MASK })));
    t.s.replace(1, Buffer.from('bye'));
    const frame = t.out();
    expect(frame[0]).toBe(0x81);
    expect(frame[1]).toBe(0x80 | 3);
    const key = frame.subarray(2, 6);
    expect(Buffer.from(frame.subarray(6).map((b, i) => b ^ key[i % 4]!)).toString()).toBe('bye');
    t.s.push(Buffer.from(encodeFrame({ opcode: 1, payload: 'hello again', mask: MASK })));
    t.s.drop();
    expect(t.out().equals(frame)).toBe(true);
    expect(() => t.s.forward()).toThrow('no message is held in this direction');
  });
});
