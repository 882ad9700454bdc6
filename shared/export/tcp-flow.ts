import type { Side } from '../model/wire.js';
import { buildTcpPacket, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, type Ipv4Address } from './ipv4-tcp.js';

/** Largest TCP payload per synthetic segment (keeps IPv4 total length under 65,535). */
export const MAX_SEGMENT_PAYLOAD = 65_000;

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
  readonly packets: TimedPacket[] = [];
  private readonly sides: Record<Side, SideState>;
  private lastT = -Infinity;

  constructor(client: Endpoint, server: Endpoint, clientIsn: number, serverIsn: number) {
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
    this.packets.push({ t: this.lastT, bytes, wireLength, ...(comment ? { comment } : {}) });
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
    let missingComment = [pendingComment, truncatedComment].filter((c) => c !== undefined).join('; ');
    const writtenEnd = Math.min(wireLength, knownLength + MAX_MISSING_SEGMENTS * MAX_SEGMENT_PAYLOAD);
    for (let offset = knownLength; offset < writtenEnd; offset += MAX_SEGMENT_PAYLOAD) {
      const length = Math.min(MAX_SEGMENT_PAYLOAD, writtenEnd - offset);
      this.emit(side, t, TCP_PSH | TCP_ACK, new Uint8Array(0), length, missingComment || undefined);
      missingComment = '';
    }
    if (wireLength > writtenEnd) this.skip(side, wireLength - writtenEnd);
  }

  /** Bytes this side sent that were not recorded: the sequence number moves on, as after a lost segment. */
  skip(side: Side, bytes: number): void {
    const state = this.sides[side];
    state.nextSeq = (state.nextSeq + bytes) >>> 0;
  }

  fin(side: Side, t: number): void {
    if (this.sides[side].finSent) return;
    this.sides[side].finSent = true;
    this.emit(side, t, TCP_FIN | TCP_ACK, new Uint8Array(0), 0);
  }

  rst(side: Side, t: number): void {
    this.emit(side, t, TCP_RST | TCP_ACK, new Uint8Array(0), 0);
  }
}
