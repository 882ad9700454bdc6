import type { CaptureEvent } from '../../../shared/model/events.js';
import type { FrameRecord, LengthEncoding, MessageRecord } from '../../../shared/model/frame.js';
import type { Direction } from '../../../shared/model/wire.js';

/** A small deterministic PRNG (mulberry32), so a failing seed can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'order',
  'needle',
  'tick',
  'Ünïcode',
  'quote',
  '"px":1',
  'HB',
  'ping',
  '{"event":"x"}',
  '€',
  'ß',
  // Upper case, and a character past ASCII whose lower case is ASCII ("K" is the Kelvin sign: "kelvin" finds it).
  'NEEDLE',
  '\u212Aelvin',
];

function payload(random: () => number): Uint8Array {
  const r = random();
  if (r < 0.05) return new Uint8Array(0);
  if (r < 0.2) return Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => (random() * 256) | 0);
  if (r < 0.205)
    return new TextEncoder().encode(`${'a'.repeat(20_000 + Math.floor(random() * 60_000))}needle`);
  const words = Array.from(
    { length: 1 + Math.floor(random() * 8) },
    () => WORDS[(random() * WORDS.length) | 0],
  );
  return new TextEncoder().encode(words.join(random() < 0.5 ? ' ' : ''));
}

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Random records of one connection: mostly the common frame + message shape, with the odd ones a real session has
 * (close frames, violations, fragmented messages, refs, redacted, other record types, non-canonical base64, seq
 * going backwards, a foreign conn id).
 */
export function randomEvents(seed: number, count: number): CaptureEvent[] {
  const random = rng(seed);
  const events: CaptureEvent[] = [
    { type: 'connection', conn: 'c1', t: 0, mode: 'client', url: 'ws://x/', at: 1 },
  ];
  let seq = 0;
  let messageId = 0;
  let t = 1;
  while (events.length < count) {
    t += random() * 3;
    const dir: Direction = random() < 0.4 ? 'c2s' : 's2c';
    const r = random();
    if (r < 0.03) {
      events.push({ type: 'tcp', conn: 'c1', t, kind: 'fin', side: 'server' } as CaptureEvent);
      continue;
    }
    if (r < 0.05) {
      events.push({
        type: 'violation',
        conn: 'c1',
        t,
        violation: { code: 'X', closeCode: 1002, message: 'm', dir, frameSeq: seq - 1 },
      });
      continue;
    }
    const bytes = payload(random);
    const opcodeRoll = random();
    const opcode =
      opcodeRoll < 0.6
        ? 1
        : opcodeRoll < 0.8
          ? 2
          : opcodeRoll < 0.85
            ? 9
            : opcodeRoll < 0.9
              ? 10
              : opcodeRoll < 0.93
                ? 8
                : opcodeRoll < 0.96
                  ? 0
                  : 3;
    const masked = dir === 'c2s';
    const encoding: LengthEncoding = bytes.length > 65535 ? 64 : bytes.length > 125 ? 16 : 7;
    const truncated = random() < 0.1;
    const frame: FrameRecord = {
      seq: random() < 0.01 ? Math.max(0, seq - 3) : seq,
      dir,
      offset: Math.floor(random() * 1e6),
      fin: random() < 0.9,
      rsv1: random() < 0.1,
      rsv2: random() < 0.05,
      rsv3: random() < 0.05,
      opcode,
      masked,
      lengthEncoding: encoding,
      headerLength: 2 + (masked ? 4 : 0) + (encoding === 16 ? 2 : encoding === 64 ? 8 : 0),
      payloadLength: bytes.length + (truncated ? 1000 : 0),
      data: toBase64(bytes),
      truncated,
    };
    if (masked)
      frame.maskKey = Math.floor(random() * 0xffffffff)
        .toString(16)
        .padStart(8, '0');
    if (opcode === 8)
      frame.close = random() < 0.8 ? { code: 4000 + ((random() * 10) | 0), reason: 'bye needle' } : {};
    if (random() < 0.03) frame.violations = ['RSV_WITHOUT_EXTENSION'];
    if (random() < 0.02) frame.ref = `r${seq}`;
    if (random() < 0.02) frame.data = frame.data.replace(/=$/, '');
    if (opcode <= 2) frame.messageId = messageId;
    events.push({ type: 'frame', conn: random() < 0.01 ? 'c2' : 'c1', t, frame });
    seq++;
    if (opcode === 1 || opcode === 2) {
      const fragmented = random() < 0.05;
      const message: MessageRecord = {
        id: messageId++,
        dir,
        opcode,
        frames: fragmented ? [frame.seq, frame.seq + 1] : [frame.seq],
        wireSize: bytes.length,
        size: random() < 0.1 ? bytes.length * 3 : bytes.length,
        compressed: random() < 0.1,
        data: random() < 0.1 ? toBase64(payload(random)) : frame.data,
        truncated: random() < 0.1,
      };
      if (opcode === 1 && random() < 0.8) message.utf8Valid = random() < 0.9;
      if (random() < 0.02) message.redacted = true;
      events.push({ type: 'message', conn: 'c1', t, message });
    }
  }
  return events;
}
