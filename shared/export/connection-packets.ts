import type { ConnectionFacts } from '../analysis/connection-facts.js';
import {
  clientFacingLeg,
  clientRequest,
  clientResponse,
  collectFacts,
} from '../analysis/connection-facts.js';
import type { CaptureEvent, FrameEvent, TcpEvent } from '../model/events.js';
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

function failureNote(facts: ConnectionFacts): string {
  const error = facts.errors[0];
  return error
    ? `wsi: connection attempt failed before TCP was established: ${error.code}: ${error.message}`
    : 'wsi: no TCP connection was recorded for this attempt';
}

/**
 * One recorded connection as a synthetic TCP flow, fed record by record: handshake, HTTP upgrade request and response
 * from the raw heads, every frame re-encoded from its record, FIN/RST as recorded on either leg. The records before
 * the first frame (the handshake, a few) are held until then, so the opening packets know the measured timings; after
 * that each record becomes its packets at once and nothing is kept but the flow's sequence numbers.
 */
export class ConnectionPacketStream {
  private readonly head: CaptureEvent[] = [];
  private flow: TcpFlow | undefined;
  private proxied = false;
  private readonly streamOffset: Record<Direction, number> = { c2s: 0, s2c: 0 };

  constructor(
    private readonly id: string,
    private readonly index: number,
    private readonly emit: (packet: TimedPacket) => void,
  ) {}

  push(event: CaptureEvent): void {
    if (!this.flow) {
      if (event.type !== 'frame') {
        this.head.push(event);
        return;
      }
      this.start();
    }
    if (event.type === 'frame') this.frame(event);
    else if (event.type === 'tcp') this.tcpEnd(event);
  }

  /** The input is complete: a connection that never sent a frame is written now. */
  finish(): void {
    if (!this.flow) this.start();
  }

  private start(): void {
    const facts = collectFacts(this.id, this.head);
    this.proxied = facts.connection?.mode === 'proxy';
    const url = facts.connection?.url ?? '';
    const server: Endpoint = { address: SERVER_ADDRESS, port: parseUrlParts(url)?.port ?? 80 };
    const flow = new TcpFlow(
      clientEndpoint(this.index),
      server,
      clientIsn(this.index),
      serverIsn(this.index),
      {
        emit: this.emit,
      },
    );
    this.flow = flow;
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
      this.head.length = 0;
      return;
    }
    const synT = startT + (timing?.dnsMs ?? 0);
    const establishedT =
      connected?.t ??
      (timing?.tcpConnectMs !== undefined
        ? startT + timing.tcpConnectMs
        : (request?.t ?? response?.t ?? synT));
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
    // FIN/RST recorded before the first frame (a refused or dropped upgrade), in record order.
    for (const event of this.head) if (event.type === 'tcp') this.tcpEnd(event);
    this.head.length = 0;
  }

  /**
   * FIN and RST of either leg: behind the proxy the client's are recorded on the downstream leg and the server's on
   * the upstream leg; both belong to the one client ↔ server flow of the export.
   */
  private tcpEnd(event: TcpEvent): void {
    const flow = this.flow;
    if (!flow || event.kind === 'connect') return;
    const note = this.proxied ? `wsi: recorded on the ${event.leg} leg of the proxy` : undefined;
    if (event.kind === 'fin') flow.fin(event.side, event.t, note);
    else flow.rst(event.side, event.t, note);
  }

  private frame(event: FrameEvent): void {
    const flow = this.flow;
    if (!flow) return;
    const { frame, t } = event;
    const side = senderOf(frame.dir);
    const encoded = encodeFrame(frame);
    let note: string | undefined;
    const gap = frame.offset - this.streamOffset[frame.dir];
    if (gap > 0) {
      flow.skip(side, gap);
      note = `wsi: ${gap} bytes before frame #${frame.seq} were not recorded`;
    }
    this.streamOffset[frame.dir] = Math.max(this.streamOffset[frame.dir], frame.offset) + encoded.wireLength;
    if (encoded.missingPayloadBytes === 0) {
      flow.send(side, t, encoded.bytes, encoded.wireLength, note);
      return;
    }
    const kept = frame.payloadLength - encoded.missingPayloadBytes;
    flow.sendTruncated(
      side,
      t,
      encoded.bytes,
      encoded.wireLength,
      [
        note,
        `wsi: frame #${frame.seq} payload truncated in capture: ${kept} of ${frame.payloadLength} bytes recorded`,
      ]
        .filter((c) => c !== undefined)
        .join('; '),
    );
  }
}
