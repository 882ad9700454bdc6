import { collectFacts } from '../analysis/connection-facts.js';
import { groupByConnection } from '../analysis/group.js';
import type { Session } from '../model/session.js';
import { redactionText } from '../redact/summary-text.js';
import { concatBytes } from './bytes.js';
import { connectionPackets } from './connection-packets.js';
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

/**
 * A pcapng file (one section, one raw-IPv4 interface) with one synthetic TCP flow per recorded connection, packets in
 * time order across connections. Timestamps: the session's wall clock at origin + each record's t, in µs.
 */
export function toPcapng(session: Session): Uint8Array {
  const origin = sessionOrigin(session);
  const packets: TimedPacket[] = [];
  let index = 0;
  for (const [id, events] of groupByConnection(session.events)) {
    packets.push(...connectionPackets(collectFacts(id, events), index++));
  }
  // Stable: packets with equal times keep their flow order.
  packets.sort((a, b) => a.t - b.t);
  const blocks: Uint8Array[] = [
    sectionHeaderBlock({
      application: session.header.producer,
      comment: session.header.redaction
        ? `${PCAPNG_SECTION_COMMENT} ${redactionText(session.header.redaction)}`
        : PCAPNG_SECTION_COMMENT,
    }),
    interfaceDescriptionBlock({ linkType: LINKTYPE_RAW, snapLength: SNAP_LENGTH, name: 'wsi-synthetic' }),
  ];
  for (const packet of packets) {
    blocks.push(
      enhancedPacketBlock({
        interfaceId: 0,
        timestampUs: (origin + packet.t) * 1000,
        data: packet.bytes,
        originalLength: packet.wireLength,
        ...(packet.comment ? { comment: packet.comment } : {}),
      }),
    );
  }
  return concatBytes(blocks);
}
