import type { AcceptCheck, CappedBytes, HandshakeTiming, TlsSummary } from '../../shared/model/handshake.js';
import type { HttpRequestHead, HttpResponseHead } from '../../shared/model/handshake.js';
import type { InjectedFault } from '../../shared/model/fault.js';
import { describeFault } from '../../shared/model/fault.js';
import type { Direction, Leg, Side } from '../../shared/model/wire.js';
import { senderOf } from '../../shared/model/wire.js';
import type { CaptureFactory, CaptureStart, ProxyCapture } from './capture.js';

/**
 * The parts of the capture core's ConnectionRecorder the proxy uses (structural, so the proxy does not depend on
 * the recorder's internals). Its `onBytes` parses the leg it was created for (the downstream leg: heads as the
 * client sent and received them, then frames); heads of the upstream leg are recorded explicitly.
 */
export interface ProxyRecorder {
  readonly conn?: string;
  onBytes(dir: Direction, chunk: Uint8Array): void;
  recordRequestHead(head: HttpRequestHead, leg: Leg): void;
  recordResponseHead(
    head: HttpResponseHead,
    leg: Leg,
    extra?: { accept?: AcceptCheck; timing?: HandshakeTiming; body?: CappedBytes; tls?: TlsSummary },
  ): void;
  tcp(kind: 'connect' | 'fin' | 'rst', side: Side, leg?: Leg): void;
  error(code: string, message: string, side?: Side, leg?: Leg): void;
  end(): void;
  /** Optional: record an injected fault (an `action` record). */
  action?(action: 'fault', detail: string, fault: InjectedFault): void;
  /** Optional: record a capture gap (a `dropped` record) and skip the parser past it. */
  dropped?(dir: Direction, frames: number, bytes: number): void;
}

function capped(body: Buffer | undefined): CappedBytes | undefined {
  if (!body || body.length === 0) return undefined;
  return { base64: body.toString('base64'), size: body.length, truncated: false };
}

export function recorderCapture(recorder: ProxyRecorder): ProxyCapture {
  const consumer = (dir: Direction) => ({
    bytes: (chunk: Buffer) => recorder.onBytes(dir, chunk),
    dropped: (frames: number, bytes: number) => {
      if (recorder.dropped) return recorder.dropped(dir, frames, bytes);
      recorder.error(
        'CAPTURE_DROPPED',
        `recording fell behind: ${frames} frames (${bytes} bytes, ${dir}) were relayed but not recorded`,
        senderOf(dir),
      );
    },
    lost: (frames: number, bytes: number) =>
      recorder.error(
        'CAPTURE_LOST',
        `recording stopped mid-frame: ${frames} frames (${bytes} bytes, ${dir}) were relayed but not recorded`,
        senderOf(dir),
      ),
  });
  const streams = { c2s: consumer('c2s'), s2c: consumer('s2c') };
  return {
    ...(recorder.conn !== undefined ? { conn: recorder.conn } : {}),
    requestHead: (leg, head) => {
      if (leg === 'downstream') recorder.onBytes('c2s', Buffer.from(head.raw, 'latin1'));
      else recorder.recordRequestHead(head, leg);
    },
    responseHead: (leg, head, timing, body, tls) => {
      if (leg === 'downstream') {
        recorder.onBytes('s2c', Buffer.from(head.raw, 'latin1'));
        if (body && body.length > 0) recorder.onBytes('s2c', body);
        return;
      }
      const bytes = capped(body);
      recorder.recordResponseHead(head, leg, {
        timing,
        ...(bytes ? { body: bytes } : {}),
        ...(tls ? { tls } : {}),
      });
    },
    stream: (dir) => streams[dir],
    tcp: (leg, kind, side) => recorder.tcp(kind, side, leg),
    error: (leg, code, message, side) => recorder.error(code, message, side, leg),
    fault: (fault) => recorder.action?.('fault', describeFault(fault), fault),
    end: () => recorder.end(),
  };
}

/** A CaptureFactory over anything that creates recorders for proxied connections (the inspector, a test). */
export function recorderCaptureFactory(create: (start: CaptureStart) => ProxyRecorder): CaptureFactory {
  return (start) => recorderCapture(create(start));
}
