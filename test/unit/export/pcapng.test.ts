import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../../shared/export/ipv4-tcp.js';
import { toPcapng } from '../../../shared/export/pcapng.js';
import type { FrameEvent } from '../../../shared/model/events.js';
import { toHex } from '../../../shared/util/hex.js';
import { readBlocks, readPackets, type ReadPacket } from './pcapng-reader.js';
import { REQUEST_RAW, RESPONSE_RAW, sampleSession, STARTED_AT } from './session-fixture.js';

const file = toPcapng(sampleSession());
const packets = readPackets(file);
const flow = (port: number): ReadPacket[] => packets.filter((p) => p.srcPort === port || p.dstPort === port);
const latin1 = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

describe('toPcapng layout', () => {
  it('is one section, one raw-IPv4 interface, then packet blocks; every block repeats its length', () => {
    const blocks = readBlocks(file);
    expect(blocks.map((b) => b.type).slice(0, 2)).toEqual([0x0a0d0d0a, 1]);
    expect(blocks.slice(2).every((b) => b.type === 6)).toBe(true);
    let total = 0;
    for (const block of blocks) {
      expect(block.totalLength % 4).toBe(0);
      expect(block.trailerLength).toBe(block.totalLength);
      total += block.totalLength;
    }
    expect(total).toBe(file.length);
    const idb = blocks[1]!.body;
    expect(idb[0]! | (idb[1]! << 8)).toBe(101);
  });

  it('orders packets by time and stamps them with the session wall clock in µs', () => {
    const times = packets.map((p) => p.timestampUs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(packets[0]!.timestampUs).toBe((STARTED_AT + 10 + 1) * 1000);
  });

  it('is deterministic', () => {
    expect(toHex(toPcapng(sampleSession()))).toBe(toHex(file));
  });
});

describe('toPcapng flows', () => {
  const c1 = flow(8080);

  it('gives each connection its own client port and the server port from the URL', () => {
    expect(new Set(packets.map((p) => (p.src === '10.0.0.1' ? p.srcPort : p.dstPort)))).toEqual(
      new Set([49152, 49153, 49154]),
    );
    expect(flow(80).length).toBeGreaterThan(0);
    expect(flow(9443).length).toBe(1);
    expect(c1.every((p) => [p.src, p.dst].sort().join() === '10.0.0.1,10.0.0.2')).toBe(true);
  });

  it('opens with SYN, SYN-ACK, ACK, then sends the raw handshake heads', () => {
    expect(c1.slice(0, 3).map((p) => p.flags)).toEqual([TCP_SYN, TCP_SYN | TCP_ACK, TCP_ACK]);
    expect(latin1(c1[3]!.payload)).toBe(REQUEST_RAW);
    expect(latin1(c1[4]!.payload)).toBe(RESPONSE_RAW);
    expect(c1[3]!.flags).toBe(TCP_PSH | TCP_ACK);
  });

  it('keeps seq/ack consistent: each side continues where it left off and acknowledges all the peer sent', () => {
    const next: Record<string, number> = {};
    for (const p of c1) {
      const from = p.src;
      const to = p.dst;
      if (next[from] !== undefined) expect(p.seq).toBe(next[from]);
      if (p.flags & TCP_ACK && next[to] !== undefined) expect(p.ack).toBe(next[to]);
      const payloadLength = p.ipTotalLength - 40;
      next[from] = (p.seq + payloadLength + (p.flags & (TCP_SYN | TCP_FIN) ? 1 : 0)) >>> 0;
    }
  });

  it('writes frames exactly (masked client frame); a frame cut in capture starts a packet that declares its length', () => {
    expect(toHex(c1[5]!.payload)).toBe('818537fa213d7f9f4d5158');
    expect(toHex(c1[6]!.payload)).toBe('82040001' + '02ff');
    const big = c1.filter((p) => p.ipTotalLength - 40 > 500);
    // 70,010 bytes on the wire: the most one IPv4 packet can declare (65,495), then the remaining 4,515.
    expect(big.map((p) => p.ipTotalLength - 40)).toEqual([65_495, 4_515]);
  });

  it('marks a truncated payload like a snaplen cut: captured < original length, the frame header first, a comment', () => {
    const [first, rest] = c1.filter((p) => p.ipTotalLength - 40 > 500);
    // At most 65,000 captured bytes per packet: the 10-byte header and the first 64,990 recorded payload bytes.
    expect(first!.capturedLength).toBe(40 + 65_000);
    expect(first!.originalLength).toBe(40 + 65_495);
    expect(toHex(first!.payload.subarray(0, 2))).toBe('817f');
    expect(first!.tcpChecksum).toBe(0);
    expect(first!.comments[0]).toMatch(
      /frame #3 payload truncated in capture: 65536 of 70000 bytes recorded/,
    );
    expect(rest!.originalLength).toBe(40 + 4_515);
    expect(rest!.capturedLength).toBe(40);
    expect(rest!.comments).toEqual([]);
  });

  it('writes any number of frames of one connection (no call stack limit)', () => {
    const session = sampleSession();
    const frames = session.events.filter((e): e is FrameEvent => e.type === 'frame' && e.frame.opcode === 1);
    const template = frames[0]!;
    const at = session.events.indexOf(template);
    const copies = Array.from({ length: 130_000 }, (_, i) => ({
      ...template,
      frame: { ...template.frame, seq: 1000 + i },
    }));
    session.events = [...session.events.slice(0, at + 1), ...copies, ...session.events.slice(at + 1)];
    const many = readPackets(toPcapng(session)).filter(
      (p) => p.srcPort === 49152 && p.ipTotalLength - 40 === 11,
    );
    expect(many.length).toBe(
      130_000 + c1.filter((p) => p.srcPort === 49152 && p.ipTotalLength - 40 === 11).length,
    );
  }, 60_000);

  it('ends with the recorded FINs; a rejected handshake carries its body and a reset', () => {
    expect(c1.slice(-2).map((p) => [p.src, p.flags])).toEqual([
      ['10.0.0.2', TCP_FIN | TCP_ACK],
      ['10.0.0.1', TCP_FIN | TCP_ACK],
    ]);
    const c2 = flow(80);
    expect(latin1(c2[4]!.payload)).toMatch(/^HTTP\/1.1 403 Forbidden\r\n[\s\S]*\r\n\r\nnope!\n$/);
    expect(c2.at(-1)!.flags).toBe(TCP_RST | TCP_ACK);
  });

  it('shows a failed attempt as a lone SYN with the error in a comment', () => {
    const [syn] = flow(9443);
    expect(syn!.flags).toBe(TCP_SYN);
    expect(syn!.comments[0]).toMatch(/ECONNREFUSED/);
  });

  it('advances the sequence number over bytes that were not recorded', () => {
    const session = sampleSession();
    for (const e of session.events) if (e.type === 'frame' && e.frame.seq === 4) e.frame.offset = 111;
    const c2s = readPackets(toPcapng(session)).filter((p) => p.srcPort === 49152 && p.ipTotalLength > 40);
    const [hello, close] = [c2s[1]!, c2s[2]!];
    expect(close.seq - hello.seq).toBe(111);
    expect(close.comments[0]).toMatch(/100 bytes before frame #4 were not recorded/);
  });
});
