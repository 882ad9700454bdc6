import { describe, expect, it } from 'vitest';
import {
  buildTcpPacket,
  internetChecksum,
  TCP_ACK,
  TCP_PSH,
  TCP_SYN,
} from '../../../shared/export/ipv4-tcp.js';
import { fromHex, toHex } from '../../../shared/util/hex.js';

const verifiesTo0 = (bytes: Uint8Array, initial = 0) => internetChecksum(bytes, initial);

function tcpPseudoSum(packet: Uint8Array): number {
  const tcpLength = packet.length - 20;
  const pseudo = new Uint8Array(12);
  pseudo.set(packet.subarray(12, 20), 0);
  pseudo[9] = 6;
  pseudo[10] = tcpLength >> 8;
  pseudo[11] = tcpLength & 0xff;
  let sum = 0;
  for (let i = 0; i < 12; i += 2) sum += (pseudo[i]! << 8) | pseudo[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

describe('internet checksum', () => {
  it('matches the RFC 1071 example', () => {
    expect(internetChecksum(fromHex('0001f203f4f5f6f7')!)).toBe(0x220d);
  });

  it('matches a known IPv4 header checksum', () => {
    expect(internetChecksum(fromHex('450000730000400040110000c0a80001c0a800c7')!)).toBe(0xb861);
  });

  it('handles odd lengths by padding with a zero byte', () => {
    expect(internetChecksum(Uint8Array.of(0x01))).toBe(internetChecksum(Uint8Array.of(0x01, 0x00)));
  });
});

describe('IPv4 + TCP packets', () => {
  const base = {
    source: [10, 0, 0, 1] as const,
    destination: [10, 0, 0, 2] as const,
    sourcePort: 49152,
    destinationPort: 8080,
    ipId: 7,
  };

  it('writes the IPv4 and TCP headers with correct checksums', () => {
    const { bytes, wireLength } = buildTcpPacket({
      ...base,
      seq: 0x10000001,
      ack: 0x80000001,
      flags: TCP_PSH | TCP_ACK,
      payload: Uint8Array.of(0x68, 0x69, 0x21),
    });
    expect(wireLength).toBe(43);
    expect(bytes).toHaveLength(43);
    expect(toHex(bytes.subarray(0, 10))).toBe('4500002b000740004006');
    expect(toHex(bytes.subarray(12, 20))).toBe('0a0000010a000002');
    expect(verifiesTo0(bytes.subarray(0, 20))).toBe(0);
    expect(toHex(bytes.subarray(20, 36))).toBe('c0001f90' + '10000001' + '80000001' + '5018ffff');
    expect(verifiesTo0(bytes.subarray(20), tcpPseudoSum(bytes))).toBe(0);
  });

  it('leaves the acknowledgment number 0 without ACK', () => {
    const { bytes } = buildTcpPacket({
      ...base,
      seq: 5,
      ack: 99,
      flags: TCP_SYN,
      payload: new Uint8Array(0),
    });
    expect(toHex(bytes.subarray(28, 32))).toBe('00000000');
    expect(bytes[33]).toBe(TCP_SYN);
    expect(verifiesTo0(bytes.subarray(20), tcpPseudoSum(bytes))).toBe(0);
  });

  it('keeps the wire length of a segment whose payload was only partly captured, without a TCP checksum', () => {
    const { bytes, wireLength } = buildTcpPacket({
      ...base,
      seq: 1,
      ack: 1,
      flags: TCP_ACK,
      payload: Uint8Array.of(1, 2, 3),
      payloadLength: 1000,
    });
    expect(bytes).toHaveLength(43);
    expect(wireLength).toBe(1040);
    expect(new DataView(bytes.buffer).getUint16(2)).toBe(1040);
    expect(verifiesTo0(bytes.subarray(0, 20))).toBe(0);
    expect(new DataView(bytes.buffer).getUint16(36)).toBe(0);
  });

  it('refuses a segment that cannot fit in one IPv4 packet', () => {
    expect(() =>
      buildTcpPacket({
        ...base,
        seq: 1,
        ack: 1,
        flags: TCP_ACK,
        payload: new Uint8Array(0),
        payloadLength: 65_500,
      }),
    ).toThrow(RangeError);
  });
});
