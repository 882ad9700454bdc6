/** IPv4 + TCP packet construction (RFC 791, RFC 9293), big-endian on the wire. */

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const IPV4_HEADER_LENGTH = 20;
const TCP_HEADER_LENGTH = 20;
export const IP_TCP_HEADERS_LENGTH = IPV4_HEADER_LENGTH + TCP_HEADER_LENGTH;
const PROTOCOL_TCP = 6;

/** IPv4 address as 4 bytes. */
export type Ipv4Address = readonly [number, number, number, number];

export const formatIpv4 = (address: Ipv4Address): string => address.join('.');

/** One's-complement sum of 16-bit big-endian words, folded; `initial` lets a pseudo header be summed first. */
function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (bytes.length !== even) sum += bytes[even]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The Internet checksum (RFC 1071) of bytes. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

export interface TcpSegment {
  source: Ipv4Address;
  destination: Ipv4Address;
  sourcePort: number;
  destinationPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** IPv4 identification field. */
  ipId: number;
  /** The payload bytes that are known (a prefix of the segment's payload when the capture was truncated). */
  payload: Uint8Array;
  /** The segment's payload length on the wire; defaults to payload.length. */
  payloadLength?: number;
  window?: number;
}

export interface BuiltPacket {
  /** IPv4 header + TCP header + known payload. */
  bytes: Uint8Array;
  /** Length on the wire (IPv4 total length). */
  wireLength: number;
}

/**
 * An IPv4 packet carrying one TCP segment, with a correct IPv4 header checksum. The TCP checksum is correct when the
 * whole payload is known; when only a prefix is known it cannot be computed and is left 0.
 */
export function buildTcpPacket(segment: TcpSegment): BuiltPacket {
  const payloadLength = segment.payloadLength ?? segment.payload.length;
  const known = segment.payload.subarray(0, payloadLength);
  const wireLength = IP_TCP_HEADERS_LENGTH + payloadLength;
  if (wireLength > 0xffff) throw new RangeError(`TCP segment of ${payloadLength} bytes does not fit in IPv4`);
  const bytes = new Uint8Array(IP_TCP_HEADERS_LENGTH + known.length);
  const view = new DataView(bytes.buffer);

  view.setUint8(0, 0x45); // version 4, IHL 5 words
  view.setUint8(1, 0); // DSCP/ECN
  view.setUint16(2, wireLength);
  view.setUint16(4, segment.ipId & 0xffff);
  view.setUint16(6, 0x4000); // Don't Fragment, offset 0
  view.setUint8(8, 64); // TTL
  view.setUint8(9, PROTOCOL_TCP);
  bytes.set(segment.source, 12);
  bytes.set(segment.destination, 16);
  view.setUint16(10, internetChecksum(bytes.subarray(0, IPV4_HEADER_LENGTH)));

  const tcp = IPV4_HEADER_LENGTH;
  view.setUint16(tcp, segment.sourcePort);
  view.setUint16(tcp + 2, segment.destinationPort);
  view.setUint32(tcp + 4, segment.seq >>> 0);
  view.setUint32(tcp + 8, (segment.flags & TCP_ACK ? segment.ack : 0) >>> 0);
  view.setUint8(tcp + 12, (TCP_HEADER_LENGTH / 4) << 4);
  view.setUint8(tcp + 13, segment.flags);
  view.setUint16(tcp + 14, segment.window ?? 0xffff);
  bytes.set(known, IP_TCP_HEADERS_LENGTH);
  if (known.length === payloadLength) {
    const pseudo = new Uint8Array(12);
    pseudo.set(segment.source, 0);
    pseudo.set(segment.destination, 4);
    pseudo[9] = PROTOCOL_TCP;
    pseudo[10] = ((TCP_HEADER_LENGTH + payloadLength) >> 8) & 0xff;
    pseudo[11] = (TCP_HEADER_LENGTH + payloadLength) & 0xff;
    view.setUint16(tcp + 16, internetChecksum(bytes.subarray(tcp), onesComplementSum(pseudo)));
  }
  return { bytes, wireLength };
}
