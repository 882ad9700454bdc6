import type { CaptureEvent } from '../../shared/model/events.js';
import type { FrameRecord, MessageRecord } from '../../shared/model/frame.js';
import type { HandshakeTiming, HttpHeader } from '../../shared/model/handshake.js';
import { tlsReportLines } from '../../shared/model/tls-text.js';
import type { Direction } from '../../shared/model/wire.js';
import { describeCloseCode } from '../../shared/protocol/close-codes.js';
import { opcodeName } from '../../shared/protocol/opcodes.js';

const PREVIEW_CHARS = 80;
const PREVIEW_BYTES = 24;

export const arrow = (dir: Direction): string => (dir === 'c2s' ? '→' : '←');

export function formatTime(ms: number): string {
  return `${ms.toFixed(3).padStart(10)} ms`;
}

export function closeText(code: number | undefined, reason: string | undefined): string {
  if (code === undefined) return 'no status code';
  const name = describeCloseCode(code).name;
  return `${code} (${name})${reason ? ` reason ${JSON.stringify(reason)}` : ''}`;
}

function preview(base64: string, text: boolean, truncated: boolean): string {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length === 0) return '';
  const more = truncated ? '…' : '';
  if (text) {
    const decoded = bytes.toString('utf8');
    const cut = decoded.length > PREVIEW_CHARS ? decoded.slice(0, PREVIEW_CHARS) + '…' : decoded + more;
    return JSON.stringify(cut);
  }
  const hex = bytes
    .subarray(0, PREVIEW_BYTES)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  return `<${hex}${bytes.length > PREVIEW_BYTES || truncated ? ' …' : ''}>`;
}

export function frameFlags(frame: FrameRecord): string {
  const flags = [
    frame.fin ? 'FIN' : '---',
    frame.rsv1 ? 'RSV1' : '----',
    frame.rsv2 ? 'RSV2' : '----',
    frame.rsv3 ? 'RSV3' : '----',
    frame.masked ? 'MASK' : '----',
  ];
  return flags.join(' ');
}

export function formatFrame(frame: FrameRecord): string {
  const name = opcodeName(frame.opcode).toUpperCase().padEnd(12);
  const parts = [`${arrow(frame.dir)} #${frame.seq}`, name, frameFlags(frame), `len=${frame.payloadLength}`];
  if (frame.close) parts.push(`close ${closeText(frame.close.code, frame.close.reason)}`);
  else {
    const text = frame.opcode === 1 && !frame.rsv1;
    const shown = preview(frame.data, text, frame.truncated);
    if (shown) parts.push(shown);
  }
  if (frame.violations?.length) parts.push(`[${frame.violations.join(', ')}]`);
  return parts.join('  ');
}

export function formatMessage(message: MessageRecord): string {
  const kind = message.opcode === 1 ? 'text' : 'binary';
  const size = message.compressed
    ? `${message.wireSize} → ${message.size} bytes inflated`
    : `${message.size} bytes`;
  const utf8 = message.utf8Valid === false ? '  [invalid UTF-8]' : '';
  return `${arrow(message.dir)} message ${message.id}: ${kind}, ${size}, ${message.frames.length} frame(s)  ${preview(message.data, message.opcode === 1, message.truncated)}${utf8}`;
}

function formatHeaders(headers: HttpHeader[]): string[] {
  return headers.map((h) => `      ${h.name}: ${h.value}`);
}

export function formatTiming(timing: HandshakeTiming): string {
  const phases: [keyof HandshakeTiming, string][] = [
    ['dnsMs', 'dns'],
    ['tcpConnectMs', 'tcp'],
    ['tlsMs', 'tls'],
    ['requestSentMs', 'request sent'],
    ['firstByteMs', 'first byte'],
    ['headersCompleteMs', 'headers'],
  ];
  const shown = phases
    .filter(([key]) => timing[key] !== undefined)
    .map(([key, label]) => `${label} ${timing[key]?.toFixed(1)} ms`);
  return shown.join(', ');
}

/** The lines one record prints as (relative time is added by the caller). */
export function formatEvent(event: CaptureEvent): string[] {
  switch (event.type) {
    case 'connection':
      return [`* connecting to ${event.url} (${event.conn})`];
    case 'tcp': {
      const what =
        event.kind === 'connect' ? 'TCP connected' : `TCP ${event.kind.toUpperCase()} sent by ${event.side}`;
      return [`* ${what}${event.leg === 'direct' ? '' : ` (${event.leg})`}`];
    }
    case 'http-request':
      return [
        `→ ${event.head.method} ${event.head.target} HTTP/${event.head.httpVersion}`,
        ...formatHeaders(event.head.headers),
      ];
    case 'http-response': {
      const accept = event.head.status === 101 ? `  [Sec-WebSocket-Accept ${event.accept}]` : '';
      const lines = [
        `← HTTP/${event.head.httpVersion} ${event.head.status} ${event.head.statusText}${accept}`,
        ...formatHeaders(event.head.headers),
      ];
      const timing = formatTiming(event.timing);
      if (timing) lines.push(`      timing: ${timing}`);
      if (event.tls) for (const line of tlsReportLines(event.tls)) lines.push(`      ${line}`);
      if (event.body && event.body.size > 0) {
        lines.push(
          `      body (${event.body.size} bytes): ${preview(event.body.base64, true, event.body.truncated)}`,
        );
      }
      return lines;
    }
    case 'open': {
      const extensions = event.extensions
        .map((e) =>
          [e.name, ...Object.entries(e.params).map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; '),
        )
        .join(', ');
      return [`* open  protocol=${event.protocol || '(none)'}  extensions=${extensions || '(none)'}`];
    }
    case 'frame':
      return [formatFrame(event.frame)];
    case 'message':
      return event.message.frames.length > 1 || event.message.compressed
        ? [formatMessage(event.message)]
        : [];
    case 'violation': {
      const v = event.violation;
      const at = v.frameSeq !== undefined ? ` in frame #${v.frameSeq}` : '';
      return [
        `! violation ${v.code} (${v.dir})${at}: ${v.message} (a conforming peer closes with ${v.closeCode})`,
      ];
    }
    case 'error':
      return [`! error ${event.code}${event.side ? ` (${event.side})` : ''}: ${event.message}`];
    case 'action':
      if (event.action === 'fault')
        return [`! fault injected by the inspector: ${event.detail ?? event.fault?.kind ?? ''}`];
      return [`* requested: ${event.action}${event.detail ? ` ${event.detail}` : ''}`];
    case 'dropped':
      return [`! recording dropped ${event.frames} frames (${event.bytes} bytes) ${event.dir}`];
    case 'capture-backpressure':
      return [
        `! recording could not keep up: the inspector paused reading ${event.dir} for ${event.durationMs} ms`,
      ];
    case 'capture-lag':
      return [
        `* recording ran up to ${Math.round(event.maxLagMs)} ms behind the relay (${event.spilledBytes} bytes via the spill file), nothing lost`,
      ];
    case 'end':
      return [`* connection ended`];
  }
}
