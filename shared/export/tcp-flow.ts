import type { Side } from '../model/wire.js';
import { buildTcpPacket, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type Ipv4Address } from './ipv4-tcp.js';

/** Largest TCP payload per synthetic segment (keeps IPv4 total length under 65,535). */
export const MAX_SEGMENT_PAYLOAD = 65_000;

/** Largest TCP payload one IPv4 packet can declare (total length 65,535 minus the two 20-byte headers). */
export const MAX_IP_TCP_PAYLOAD = 65_535 - 40;

/**
 * Segments written for the missing (not recorded) part of one send; past that the sequence numbers move on without
 * packets, as after lost segments, so a frame recorded with a huge length cannot blow up the export.
 */
export const MAX_MISSING_SEGMENTS = 64;

export interface Endpoint {
  address: Ipv4Address;
  port: number;
}

/** One packet of the export, timed on the session's monotonic clock (ms). */
export interface TimedPacket {
  t: number;
  bytes: Uint8Array;
  wireLength: number;
  comment?: string;
}

interface SideState {
  endpoint: Endpoint;
  /** Next sequence number this side will send. */
  nextSeq: number;
  nextIpId: number;
  finSent: boolean;
}

/**
 * A synthetic TCP connection between a client and a server: keeps each side's sequence number, acknowledges everything
 * the other side sent so far, and emits IPv4 packets for the handshake, data, FIN and RST.
 */
export class TcpFlow {
  private readonly sides: Record<Side, SideState>;
  private lastT = -Infinity;
  private readonly out: (packet: TimedPacket) => void;

  /** Packets go to `sink.emit` as they are made. */
  constructor(
    client: Endpoint,
    server: Endpoint,
    clientIsn: number,
    serverIsn: number,
    sink: { emit(packet: TimedPacket): void },
  ) {
    this.out = (packet) => sink.emit(packet);
    this.sides = {
      client: { endpoint: client, nextSeq: clientIsn >>> 0, nextIpId: 1, finSent: false },
      server: { endpoint: server, nextSeq: serverIsn >>> 0, nextIpId: 1, finSent: false },
    };
  }

  private emit(
    side: Side,
    t: number,
    flags: number,
    payload: Uint8Array,
    payloadLength: number,
    comment?: string,
  ): void {
    // Packets of one flow never go back in time, so sorting all flows by time keeps each flow's order.
    this.lastT = Math.max(this.lastT, t);
    const from = this.sides[side];
    const to = this.sides[side === 'client' ? 'server' : 'client'];
    const { bytes, wireLength } = buildTcpPacket({
      source: from.endpoint.address,
      destination: to.endpoint.address,
      sourcePort: from.endpoint.port,
      destinationPort: to.endpoint.port,
      seq: from.nextSeq,
      ack: to.nextSeq,
      flags,
      ipId: from.nextIpId++,
      payload,
      payloadLength,
    });
    this.out({ t: this.lastT, bytes, wireLength, ...(comment ? { comment } : {}) });
    const consumed = payloadLength + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0);
    from.nextSeq = (from.nextSeq + consumed) >>> 0;
  }

  /** SYN at `synT`, SYN-ACK and ACK at `establishedT`. */
  handshake(synT: number, establishedT: number, synComment?: string): void {
    this.emit('client', synT, TCP_SYN, new Uint8Array(0), 0, synComment);
    this.emit('server', establishedT, TCP_SYN | TCP_ACK, new Uint8Array(0), 0);
    this.emit('client', establishedT, TCP_ACK, new Uint8Array(0), 0);
  }

  /** Only the SYN (the connection attempt did not complete). */
  synOnly(t: number, comment?: string): void {
    this.emit('client', t, TCP_SYN, new Uint8Array(0), 0, comment);
  }

  /**
   * Sends `wireLength` bytes of which `known` is the captured prefix, in segments of at most MAX_SEGMENT_PAYLOAD.
   * Known and missing bytes never share a segment: the missing part goes in segments that carry no captured payload
   * (like a snaplen-limited capture), so a dissector never mistakes a stray captured tail for the start of a frame.
   * `comment` goes on the first packet, `truncatedComment` on the first incomplete one.
   */
  send(
    side: Side,
    t: number,
    known: Uint8Array,
    wireLength: number,
    comment?: string,
    truncatedComment?: string,
  ): void {
    const knownLength = Math.min(known.length, wireLength);
    let pendingComment = comment;
    for (let offset = 0; offset < knownLength; offset += MAX_SEGMENT_PAYLOAD) {
      const end = Math.min(offset + MAX_SEGMENT_PAYLOAD, knownLength);
      this.emit(side, t, TCP_PSH | TCP_ACK, known.subarray(offset, end), end - offset, pendingComment);
      pendingComment = undefined;
    }
    const missingComment = [pendingComment, truncatedComment].filter((c) => c !== undefined).join('; ');
    this.sendMissing(side, t, wireLength - knownLength, missingComment || undefined);
  }

  /**
   * One application message (a WebSocket frame) of `wireLength` bytes of which only the prefix `known` was recorded:
   * its first packet carries the prefix (at most MAX_SEGMENT_PAYLOAD bytes) and declares the real length (up to what
   * one IPv4 packet can), so it is a truncated packet (captured length < original length) that a dissector reads
   * alone, as in a snaplen-limited capture; the rest of the message follows in segments without captured payload.
   */
  sendTruncated(side: Side, t: number, known: Uint8Array, wireLength: number, comment: string): void {
    const declared = Math.min(wireLength, MAX_IP_TCP_PAYLOAD);
    const captured = Math.min(known.length, MAX_SEGMENT_PAYLOAD, declared);
    this.emit(side, t, TCP_PSH | TCP_ACK, known.subarray(0, captured), declared, comment);
    this.sendMissing(side, t, wireLength - declared);
  }

  /** `length` bytes sent but not recorded, as segments without captured payload (then only a sequence jump). */
  private sendMissing(side: Side, t: number, length: number, comment?: string): void {
    const writtenEnd = Math.min(length, MAX_MISSING_SEGMENTS * MAX_SEGMENT_PAYLOAD);
    let pending = comment;
    for (let offset = 0; offset < writtenEnd; offset += MAX_SEGMENT_PAYLOAD) {
      const segment = Math.min(MAX_SEGMENT_PAYLOAD, writtenEnd - offset);
      this.emit(side, t, TCP_PSH | TCP_ACK, new Uint8Array(0), segment, pending);
      pending = undefined;
    }
    if (length > writtenEnd) this.skip(side, length - writtenEnd);
  }

  /** Bytes this side sent that were not recorded: the sequence number moves on, as after a lost segment. */
  skip(side: Side, bytes: number): void {
    const state = this.sides[side];
    state.nextSeq = (state.nextSeq + bytes) >>> 0;
  }

  fin(side: Side, t: number, comment?: string): void {
    if (this.sides[side].finSent) return;
    this.sides[side].finSent = true;
    this.emit(side, t, TCP_FIN | TCP_ACK, new Uint8Array(0), 0, comment);
  }

  rst(side: Side, t: number, comment?: string): void {
    this.emit(side, t, TCP_RST | TCP_ACK, new Uint8Array(0), 0, comment);
  }
}
