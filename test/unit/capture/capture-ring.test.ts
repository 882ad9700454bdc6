import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EntryKind,
  HEADER_BYTES,
  RingReader,
  RingWriter,
  createRingBuffers,
} from '../../../main/capture/ring/capture-ring.js';
import { decodeFact, encodeFact } from '../../../main/capture/ring/ring-facts.js';

const payload = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (seed + i) & 0xff);

describe('capture ring', () => {
  it('hands entries over in order with their connection, direction, time and bytes', () => {
    const buffers = createRingBuffers(64 * 1024);
    const writer = new RingWriter(buffers);
    const reader = new RingReader(buffers);
    expect(writer.tryWrite(EntryKind.bytes, 1, 7, 12.5, payload(10, 1))).toBe(true);
    expect(writer.tryWrite(EntryKind.fact, 0, 8, 13.25, payload(0, 0))).toBe(true);
    const seen: unknown[] = [];
    reader.read((entry) => void seen.push({ ...entry, payload: [...entry.payload] }));
    expect(seen).toEqual([
      { kind: EntryKind.bytes, dir: 1, conn: 7, at: 12.5, payload: [...payload(10, 1)] },
      { kind: EntryKind.fact, dir: 0, conn: 8, at: 13.25, payload: [] },
    ]);
    expect(reader.used).toBe(0);
  });

  it('refuses an entry when full and takes it once the reader made room', () => {
    const buffers = createRingBuffers(64 * 1024);
    const writer = new RingWriter(buffers);
    const reader = new RingReader(buffers);
    let written = 0;
    while (writer.tryWrite(EntryKind.bytes, 0, 1, written, payload(1000, written))) written++;
    expect(written).toBeGreaterThan(50);
    expect(writer.used).toBeGreaterThan(64 * 1024 - 2 * (1000 + HEADER_BYTES));
    expect(reader.read(() => true, 1)).toBe(1);
    expect(writer.tryWrite(EntryKind.bytes, 0, 1, written, payload(1000, written))).toBe(true);
    const ats: number[] = [];
    reader.read((entry) => void ats.push(entry.at));
    expect(ats).toEqual(Array.from({ length: written }, (_, i) => i + 1));
  });

  it('keeps every byte in order across wrap-arounds, whatever the sizes and the reader’s pace', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ size: fc.integer({ min: 0, max: 9000 }), read: fc.integer({ min: 0, max: 4 }) }),
          {
            minLength: 1,
            maxLength: 300,
          },
        ),
        (steps) => {
          const buffers = createRingBuffers(64 * 1024);
          const writer = new RingWriter(buffers);
          const reader = new RingReader(buffers);
          const sent: Buffer[] = [];
          const received: Buffer[] = [];
          const take = (max: number) =>
            reader.read(
              (entry) => void received.push(Buffer.concat([Buffer.of(entry.conn & 0xff), entry.payload])),
              max,
            );
          steps.forEach(({ size, read }, i) => {
            const bytes = payload(size, i);
            while (!writer.tryWrite(EntryKind.bytes, 0, i, i, bytes)) expect(take(1)).toBe(1);
            sent.push(Buffer.concat([Buffer.of(i & 0xff), bytes]));
            take(read);
          });
          take(Infinity);
          expect(received.length).toBe(sent.length);
          expect(received.every((bytes, i) => bytes.equals(sent[i]!))).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('carries connection facts as JSON with a binary body', () => {
    const body = payload(300, 3);
    const fact = decodeFact(
      encodeFact({
        k: 'res',
        leg: 'upstream',
        head: {
          raw: 'HTTP/1.1 400 Bad\r\n\r\n',
          httpVersion: '1.1',
          status: 400,
          statusText: 'Bad',
          headers: [],
        },
        timing: { tcpConnectMs: 1 },
        body,
      }),
    );
    expect(fact.k).toBe('res');
    if (fact.k !== 'res') return;
    expect([...(fact.body ?? [])]).toEqual([...body]);
    expect(fact.head.status).toBe(400);
  });
});
