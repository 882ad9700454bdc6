import type { CaptureEvent } from '../model/events.js';
import type { ConnectionSummary } from '../model/finding.js';
import type { SessionHeader } from '../model/session.js';
import type { ConnectionFacts } from './connection-facts.js';
import { clientRequest, clientResponse, collectFacts, openedT } from './connection-facts.js';
import { attributeCloseFacts } from './close-attribution.js';
import { summarizeGaps } from './silence.js';

export interface SummaryOptions {
  /** Current session time (ms since the session origin) for connections still open; default: last event's t. */
  now?: number;
  /** The recording is over: a connection without its `end` record was cut (`cutAt` is set). */
  recordingEnded?: boolean;
}

type HeaderTime = Pick<SessionHeader, 'startedAt'>;

export function summarizeFacts(
  header: HeaderTime,
  facts: ConnectionFacts,
  options: SummaryOptions = {},
): ConnectionSummary {
  const request = clientRequest(facts);
  const response = clientResponse(facts);
  const close = attributeCloseFacts(facts);
  const startT = facts.connection?.t ?? facts.firstT;
  const openT = openedT(facts) ?? startT;
  let framesIn = 0;
  let framesOut = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  for (const { frame } of facts.frames) {
    const wire = frame.headerLength + frame.payloadLength;
    if (frame.dir === 's2c') {
      framesIn++;
      bytesIn += wire;
    } else {
      framesOut++;
      bytesOut += wire;
    }
  }
  const gap = summarizeGaps(facts, options.now, Infinity).longest;
  // The leg to the server is the one with TLS recorded (a proxy's downstream TLS is its own).
  const tls = facts.responses.find((r) => r.tls !== undefined)?.tls;
  return {
    id: facts.id,
    url: facts.connection?.url ?? '',
    status: response?.head.status ?? null,
    httpVersion: request?.head.httpVersion ?? null,
    openedAt: header.startedAt + openT,
    closedAt: facts.end ? header.startedAt + facts.end.t : null,
    closeInitiator: close.initiator,
    closeKind: close.kind,
    closeCode: close.firstClose?.code ?? null,
    closeReason: close.firstClose?.reason ?? null,
    framesIn,
    framesOut,
    bytesIn,
    bytesOut,
    maxSilenceMs: gap?.durationMs ?? 0,
    browserCloseCode: close.browserCloseCode,
    closingHandshakeComplete: close.closingHandshakeComplete,
    ...(tls ? { tls } : {}),
    ...(options.recordingEnded && !facts.end ? { cutAt: header.startedAt + facts.lastT } : {}),
  };
}

/** The per-connection summary of `wsi analyze`. `events` are one connection's events, in capture order. */
export function summarizeConnection(
  header: HeaderTime,
  events: readonly CaptureEvent[],
  options: SummaryOptions = {},
): ConnectionSummary {
  return summarizeFacts(header, collectFacts(events[0]?.conn ?? '', events), options);
}
