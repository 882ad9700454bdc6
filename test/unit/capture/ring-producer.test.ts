import { describe, expect, it } from 'vitest';
import { EntryKind, RingReader, createRingBuffers } from '../../../main/capture/ring/capture-ring.js';
import { decodeFact } from '../../../main/capture/ring/ring-facts.js';
import { RingProducer } from '../../../main/capture/ring/ring-producer.js';
import type { Direction } from '../../../shared/model/wire.js';

const chunk = (n: number, seed: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (seed + i) & 0xff);

describe('ring producer', () => {
  it('keeps entries in order while the ring is full, pauses their sender, and records the pause', async () => {
    const buffers = createRingBuffers(64 * 1024);
    const producer = new RingProducer(buffers, { offset: 0, retryMs: 1 });
    const reader = new RingReader(buffers);
    const flow: string[] = [];
    const control = {
      pause: (dir: Direction) => flow.push(`pause ${dir}`),
      resume: (dir: Direction) => flow.push(`resume ${dir}`),
    };
    const conn = producer.openConnection(
      { k: 'open', id: 'c1', url: 'ws://x/', startedAt: 0, mode: 'client' },
      1,
    );
    // Twice what the ring holds: the second half waits.
    for (let i = 0; i < 120; i++) producer.bytes(conn, 'c2s', chunk(1000, i), 2 + i, control);
    expect(producer.waiting).toBe(true);
    expect(flow).toEqual(['pause c2s']);

    const seen: { kind: number; at: number; first?: number }[] = [];
    while (seen.filter((e) => e.kind === EntryKind.bytes).length < 120 || producer.waiting) {
      reader.read((entry) => void seen.push({ kind: entry.kind, at: entry.at, first: entry.payload[0] }));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    reader.read((entry) => void seen.push({ kind: entry.kind, at: entry.at, first: entry.payload[0] }));
    const bytes = seen.filter((e) => e.kind === EntryKind.bytes);
    expect(bytes.map((e) => e.first)).toEqual(Array.from({ length: 120 }, (_, i) => i & 0xff));
    expect(bytes.map((e) => e.at)).toEqual(Array.from({ length: 120 }, (_, i) => 2 + i));
    expect(flow).toEqual(['pause c2s', 'resume c2s']);
    expect(producer.backpressureMs).toBeGreaterThan(0);
  });

  it('splits a chunk larger than an entry may carry, and numbers connections from its first number', () => {
    const buffers = createRingBuffers(64 * 1024);
    const producer = new RingProducer(buffers, { offset: 0, firstConn: 0x40000000 });
    const reader = new RingReader(buffers);
    const conn = producer.openConnection({ k: 'open', id: 'c9', url: 'ws://x/', startedAt: 0 }, 0);
    expect(conn).toBe(0x40000000);
    producer.bytes(conn, 's2c', chunk(40_000, 3), 5, undefined);
    producer.fact(conn, { k: 'mark', phase: 'tcpConnectMs' }, 6);
    const entries: { kind: number; conn: number; dir: number; bytes: number[] }[] = [];
    reader.read((e) => void entries.push({ kind: e.kind, conn: e.conn, dir: e.dir, bytes: [...e.payload] }));
    const parts = entries.filter((e) => e.kind === EntryKind.bytes);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.conn === conn && p.dir === 1)).toBe(true);
    expect(parts.flatMap((p) => p.bytes)).toEqual([...chunk(40_000, 3)]);
    const last = entries.at(-1)!;
    expect(decodeFact(Uint8Array.from(last.bytes))).toEqual({ k: 'mark', phase: 'tcpConnectMs' });
  });

  it('after stop, writes nothing more and releases held senders', () => {
    const buffers = createRingBuffers(64 * 1024);
    const producer = new RingProducer(buffers, { offset: 0 });
    const flow: string[] = [];
    const control = { pause: () => flow.push('pause'), resume: () => flow.push('resume') };
    for (let i = 0; i < 100; i++) producer.bytes(1, 'c2s', chunk(1000, i), i, control);
    producer.stop();
    expect(flow).toEqual(['pause', 'resume']);
    expect(producer.waiting).toBe(false);
  });
});
