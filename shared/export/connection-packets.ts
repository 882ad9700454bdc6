import type { ConnectionFacts } from '../analysis/connection-facts.js';
import { clientFacingLeg, clientRequest, clientResponse } from '../analysis/connection-facts.js';
import type { FrameEvent, TcpEvent } from '../model/events.js';
import type { HttpRequestHead, HttpResponseHead } from '../model/handshake.js';
import { senderOf, type Direction } from '../model/wire.js';
import { fromBase64 } from '../util/base64.js';
import { concatBytes, latin1Bytes } from './bytes.js';
import { encodeFrame } from './frame-encoder.js';
import type { Ipv4Address } from './ipv4-tcp.js';
import { TcpFlow, type Endpoint, type TimedPacket } from './tcp-flow.js';
import { parseUrlParts } from './url-parts.js';

export const SERVER_ADDRESS: Ipv4Address = [10, 0, 0, 2];
const FIRST_CLIENT_PORT = 49152;
const CLIENT_PORTS = 65536 - FIRST_CLIENT_PORT;

/** The synthetic client end of the `index`-th connection: 10.0.0.1 with its own ephemeral port. */
export function clientEndpoint(index: number): Endpoint {
  // Past 16,384 connections the ports repeat, so the third octet moves on to keep every flow distinct.
  const block = Math.floor(index / CLIENT_PORTS);
  return { address: [10, 0, block % 256, 1], port: FIRST_CLIENT_PORT + (index % CLIENT_PORTS) };
}

/** An HTTP/1.1 head from a parsed head, for records whose raw bytes are unknown (sessions imported from a HAR). */
function rebuildHead(head: HttpRequestHead | HttpResponseHead): string {
  const version = `HTTP/${head.httpVersion || '1.1'}`;
  const first =
    'method' in head
      ? `${head.method} ${head.target} ${version}`
      : `${version} ${head.status} ${head.statusText}`;
  return [first, ...head.headers.map((h) => `${h.name}: ${h.value}`), '', ''].join('\r\n');
}

/** Deterministic initial sequence numbers, distinct per connection, so exports are reproducible. */
const clientIsn = (index: number): number => (0x10000000 + index * 0x00100000) >>> 0;
const serverIsn = (index: number): number => (0x80000000 + index * 0x00100000) >>> 0;

type StreamEvent =
  { kind: 'frame'; event: FrameEvent; index: number } | { kind: 'tcp'; event: TcpEvent; index: number };

function streamEvents(facts: ConnectionFacts): StreamEvent[] {
  const leg = clientFacingLeg(facts);
  const onLeg = facts.tcp.filter((e) => e.leg === leg);
  const tcp = (onLeg.length > 0 ? onLeg : facts.tcp).filter((e) => e.kind !== 'connect');
  const merged: StreamEvent[] = [
    ...facts.frames.map((e) => ({ kind: 'frame' as const, event: e, index: e.index })),
    ...tcp.map((e) => ({ kind: 'tcp' as const, event: e, index: e.index })),
  ];
  return merged.sort((a, b) => a.index - b.index);
}

function failureNote(facts: ConnectionFacts): string {
  const error = facts.errors[0];
  return error
    ? `wsi: connection attempt failed before TCP was established: ${error.code}: ${error.message}`
    : 'wsi: no TCP connection was recorded for this attempt';
}

/**
 * The packets of one recorded connection as a synthetic TCP flow: handshake, HTTP upgrade request and response from the
 * raw heads, every frame re-encoded from its record, then FIN/RST as recorded.
 */
export function connectionPackets(facts: ConnectionFacts, index: number): TimedPacket[] {
  const url = facts.connection?.url ?? '';
  const server: Endpoint = { address: SERVER_ADDRESS, port: parseUrlParts(url)?.port ?? 80 };
  const flow = new TcpFlow(clientEndpoint(index), server, clientIsn(index), serverIsn(index));
  const request = clientRequest(facts);
  const response = clientResponse(facts);
  const leg = clientFacingLeg(facts);
  const startT = facts.connection?.t ?? facts.firstT;
  const timing = response?.timing;
  const connected =
    facts.tcp.find((e) => e.kind === 'connect' && e.leg === leg) ??
    facts.tcp.find((e) => e.kind === 'connect');
  const idNote = `wsi connection ${facts.id}${url ? ` ${url}` : ''}`;

  if (!connected && !request && !response) {
    flow.synOnly(startT, `${idNote}; ${failureNote(facts)}`);
    return flow.packets;
  }
  const synT = startT + (timing?.dnsMs ?? 0);
  const establishedT =
    connected?.t ??
    (timing?.tcpConnectMs !== undefined ? startT + timing.tcpConnectMs : (request?.t ?? response?.t ?? synT));
  flow.handshake(synT, Math.max(synT, establishedT), idNote);

  const tlsNote = parseUrlParts(url)?.secure
    ? 'wsi: wss connection; these are the decrypted bytes (TLS records are not reproduced)'
    : undefined;
  const rebuiltNote =
    'wsi: HTTP head rebuilt from its header list (imported from a HAR; the original bytes are unknown)';
  if (request) {
    const rebuilt = request.head.raw === '';
    const head = latin1Bytes(rebuilt ? rebuildHead(request.head) : request.head.raw);
    flow.send('client', request.t, head, head.length, rebuilt ? rebuiltNote : tlsNote);
  }
  if (response) {
    const rebuilt = response.head.raw === '';
    const head = latin1Bytes(rebuilt ? rebuildHead(response.head) : response.head.raw);
    const body = response.body;
    const bodyKnown = body ? (fromBase64(body.base64) ?? new Uint8Array(0)) : new Uint8Array(0);
    const bodySize = body ? Math.max(body.size, bodyKnown.length) : 0;
    flow.send(
      'server',
      response.t,
      concatBytes([head, bodyKnown]),
      head.length + bodySize,
      rebuilt ? rebuiltNote : request ? undefined : tlsNote,
      `wsi: response body truncated in capture: ${bodyKnown.length} of ${bodySize} bytes recorded`,
    );
  }

  const streamOffset: Record<Direction, number> = { c2s: 0, s2c: 0 };
  for (const item of streamEvents(facts)) {
    if (item.kind === 'tcp') {
      if (item.event.kind === 'fin') flow.fin(item.event.side, item.event.t);
      else flow.rst(item.event.side, item.event.t);
      continue;
    }
    const { frame, t } = item.event;
    const side = senderOf(frame.dir);
    const encoded = encodeFrame(frame);
    let note: string | undefined;
    const gap = frame.offset - streamOffset[frame.dir];
    if (gap > 0) {
      flow.skip(side, gap);
      note = `wsi: ${gap} bytes before frame #${frame.seq} were not recorded`;
    }
    streamOffset[frame.dir] = Math.max(streamOffset[frame.dir], frame.offset) + encoded.wireLength;
    const truncatedNote =
      encoded.missingPayloadBytes > 0
        ? `wsi: frame #${frame.seq} payload truncated in capture: ${frame.payloadLength - encoded.missingPayloadBytes} of ${frame.payloadLength} bytes recorded`
        : undefined;
    flow.send(side, t, encoded.bytes, encoded.wireLength, note, truncatedNote);
  }
  return flow.packets;
}
