import type { CaptureEvent } from '../model/events.js';
import type { Session, SessionHeader } from '../model/session.js';
import { redactionText } from '../redact/summary-text.js';
import { concatBytes } from './bytes.js';
import { ConnectionPacketStream } from './connection-packets.js';
import {
  enhancedPacketBlock,
  interfaceDescriptionBlock,
  LINKTYPE_RAW,
  sectionHeaderBlock,
} from './pcapng-blocks.js';
import type { TimedPacket } from './tcp-flow.js';
import { sessionOrigin } from './session-clock.js';

const SNAP_LENGTH = 262_144;

export const PCAPNG_SECTION_COMMENT =
  'Exported by wsi from a recorded session. IPv4 addresses, ports and TCP sequence numbers are synthetic; ' +
  'HTTP heads and WebSocket frame bytes are as recorded. See docs/exports.md.';

/** Packets held to be put in time order before they are written: bounded, so any session exports in bounded memory. */
const REORDER_PACKETS = 16_384;
const REORDER_BYTES = 32 * 1024 * 1024;

interface Queued {
  packet: TimedPacket;
  order: number;
}

const before = (a: Queued, b: Queued): boolean =>
  a.packet.t < b.packet.t || (a.packet.t === b.packet.t && a.order < b.order);

/** A binary min-heap on (time, arrival): stable, so packets with equal times keep their flow order. */
class PacketHeap {
  private readonly items: Queued[] = [];
  bytes = 0;

  get size(): number {
    return this.items.length;
  }

  push(item: Queued): void {
    const items = this.items;
    items.push(item);
    this.bytes += item.packet.bytes.length;
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Queued | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (!top || !last) return undefined;
    this.bytes -= top.packet.bytes.length;
    if (items.length === 0) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < items.length && before(items[left]!, items[least]!)) least = left;
      if (right < items.length && before(items[right]!, items[least]!)) least = right;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }
}

export interface PcapngOptions {
  /** Wall clock at the session origin (epoch ms); default: the header's startedAt. */
  origin?: number;
}

/**
 * A pcapng file (one section, one raw-IPv4 interface) with one synthetic TCP flow per recorded connection, written
 * record by record: `start()` gives the section and interface blocks, each `push` the packet blocks ready so far,
 * `end()` the rest. Packets are put in time order across connections within a window of REORDER_PACKETS packets (a
 * session recorded in time order comes out wholly sorted); memory stays bounded whatever the session's size.
 * Timestamps: the session's wall clock at origin + each record's t, in µs.
 */
export class PcapngWriter {
  private readonly connections = new Map<string, ConnectionPacketStream>();
  private readonly heap = new PacketHeap();
  private order = 0;
  private origin: number;
  /** The origin is settled once a packet is written. */
  private originKnown: boolean;
  private ready: Uint8Array[] = [];
  /** Packets written so far. */
  packets = 0;

  constructor(
    private readonly header: Pick<SessionHeader, 'producer' | 'startedAt' | 'redaction'>,
    options: PcapngOptions = {},
  ) {
    this.origin = options.origin ?? header.startedAt;
    this.originKnown = this.origin > 0;
  }

  start(): Uint8Array {
    const { redaction } = this.header;
    return concatBytes([
      sectionHeaderBlock({
        application: this.header.producer,
        comment: redaction ? `${PCAPNG_SECTION_COMMENT} ${redactionText(redaction)}` : PCAPNG_SECTION_COMMENT,
      }),
      interfaceDescriptionBlock({ linkType: LINKTYPE_RAW, snapLength: SNAP_LENGTH, name: 'wsi-synthetic' }),
    ]);
  }

  /** The packet blocks this record completes (often none yet: they wait in the reorder window). */
  push(event: CaptureEvent): Uint8Array[] {
    // A header without startedAt: the first connection record's wall clock, as sessionOrigin does.
    if (!this.originKnown && event.type === 'connection' && Number.isFinite(event.at) && event.at > 0) {
      this.origin = event.at - event.t;
      this.originKnown = true;
    }
    let stream = this.connections.get(event.conn);
    if (!stream) {
      stream = new ConnectionPacketStream(event.conn, this.connections.size, (packet) =>
        this.heap.push({ packet, order: this.order++ }),
      );
      this.connections.set(event.conn, stream);
    }
    stream.push(event);
    while (this.heap.size > REORDER_PACKETS || this.heap.bytes > REORDER_BYTES) this.write();
    return this.take();
  }

  end(): Uint8Array[] {
    for (const stream of this.connections.values()) stream.finish();
    while (this.heap.size > 0) this.write();
    return this.take();
  }

  private write(): void {
    const next = this.heap.pop();
    if (!next) return;
    const { packet } = next;
    this.originKnown = true;
    this.packets++;
    this.ready.push(
      enhancedPacketBlock({
        interfaceId: 0,
        timestampUs: (this.origin + packet.t) * 1000,
        data: packet.bytes,
        originalLength: packet.wireLength,
        ...(packet.comment ? { comment: packet.comment } : {}),
      }),
    );
  }

  private take(): Uint8Array[] {
    if (this.ready.length === 0) return [];
    const out = this.ready;
    this.ready = [];
    return out;
  }
}

/** The whole pcapng of a session in memory (the streaming `PcapngWriter` for large sessions). */
export function toPcapng(session: Session): Uint8Array {
  const writer = new PcapngWriter(session.header, { origin: sessionOrigin(session) });
  const blocks: Uint8Array[] = [writer.start()];
  for (const event of session.events) for (const block of writer.push(event)) blocks.push(block);
  for (const block of writer.end()) blocks.push(block);
  return concatBytes(blocks);
}
