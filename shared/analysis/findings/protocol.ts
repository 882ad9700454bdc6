import { violationInfo } from '../../protocol/violations.js';
import type { ViolationEvent } from '../../model/events.js';
import type { Indexed } from '../connection-facts.js';
import { formatMs, plural } from '../format.js';
import type { ConnectionRule, FindingInput } from './context.js';
import { eventRef, frameRef } from './context.js';

const FIXES: Record<string, string> = {
  UNMASKED_CLIENT_FRAME: 'Clients must mask every frame (RFC 6455 §5.3): use a conforming client library.',
  MASKED_SERVER_FRAME:
    'Servers must not mask frames (RFC 6455 §5.1): fix the server library or its configuration.',
  INVALID_UTF8_TEXT: 'Send arbitrary bytes as binary messages; text messages must be valid UTF-8.',
  INVALID_UTF8_CLOSE_REASON: 'Encode the close reason as UTF-8 (at most 123 bytes).',
  INVALID_CLOSE_CODE: 'Use a code allowed on the wire: 1000–1003, 1007–1014, 3000–4999.',
  CONTROL_FRAME_TOO_LONG: 'Keep ping/pong/close payloads at 125 bytes or less (RFC 6455 §5.5).',
  TRUNCATED_FRAME:
    'Find what cut the connection mid-frame: the sender crashing or being killed, or a proxy or load balancer timing out or resetting it (check the idle timeouts on the path).',
  INFLATE_FAILED:
    'Both ends must agree on permessage-deflate parameters (context takeover, window bits); check the negotiated extension.',
};

const senderName = (v: ViolationEvent): string => (v.violation.dir === 'c2s' ? 'client' : 'server');

/** Every violation the parser reported, grouped by code and sender, in plain words. */
export const protocolViolations: ConnectionRule = ({ facts }) => {
  const groups = new Map<string, Indexed<ViolationEvent>[]>();
  for (const v of facts.violations) {
    const key = `${v.violation.code}|${v.violation.dir}`;
    const list = groups.get(key);
    if (list) list.push(v);
    else groups.set(key, [v]);
  }
  const findings: FindingInput[] = [];
  for (const list of groups.values()) {
    const first = list[0];
    if (!first) continue;
    const { code, closeCode, message, frameSeq } = first.violation;
    const info = violationInfo(code);
    const sender = senderName(first);
    findings.push({
      id: 'protocol.violation',
      severity: 'error',
      title: `${info?.title ?? code} (${code})`,
      detail:
        code === 'TRUNCATED_FRAME'
          ? `A frame from the ${sender} was cut off: ${message}. No close frame can follow; a browser reports 1006 (abnormal closure).`
          : `The ${sender} broke RFC 6455: ${message}${frameSeq !== undefined ? ` (frame #${frameSeq})` : ''}. ` +
            `Seen ${plural(list.length, 'time')}. A conforming peer fails the connection with close code ${info?.closeCode ?? closeCode}` +
            (info?.fatal ? '; the rest of this direction could not be framed.' : '.'),
      evidence: list
        .slice(0, 5)
        .map((v) =>
          v.violation.frameSeq !== undefined ? frameRef(v.violation.frameSeq, code) : eventRef(v.index, code),
        ),
      fix:
        FIXES[code] ??
        `Fix the ${sender}’s WebSocket implementation; see docs/protocol-violations.md for ${code}.`,
    });
  }
  return findings;
};

export const captureDropped: ConnectionRule = ({ facts }) => {
  if (facts.dropped.length === 0) return [];
  const frames = facts.dropped.reduce((n, d) => n + d.frames, 0);
  const bytes = facts.dropped.reduce((n, d) => n + d.bytes, 0);
  const memory = facts.dropped.some((d) => d.reason === 'memory');
  return [
    {
      id: 'capture.dropped',
      severity: 'warning',
      title: `Recording dropped ${plural(frames, 'frame')}`,
      detail: memory
        ? `The live session reached its memory budget, so ${plural(frames, 'data frame')} (${bytes} bytes) of this connection were counted but not kept in memory; the relay itself was not affected. Counts and gaps in this analysis are lower bounds.`
        : `The recorder fell behind and dropped ${plural(frames, 'frame')} (${bytes} bytes) of this connection; the relay itself was not affected. Counts and gaps in this analysis are lower bounds.`,
      evidence: facts.dropped.slice(0, 5).map((d) => eventRef(d.index, 'dropped')),
      fix: memory
        ? 'Record long or busy captures to a session file (`wsi proxy --out`, `serve.js --session`), which gets every record, or save this session and start a fresh one.'
        : 'Capture fewer payload bytes or filter the capture to the connections of interest.',
    },
  ];
};

/** The inspector slowed the traffic itself: a reproduction must not mistake this for the server or network. */
export const captureBackpressure: ConnectionRule = ({ facts }) => {
  if (facts.backpressure.length === 0) return [];
  const total = facts.backpressure.reduce((ms, b) => ms + b.durationMs, 0);
  const longest = facts.backpressure.reduce((ms, b) => Math.max(ms, b.durationMs), 0);
  return [
    {
      id: 'capture.backpressure',
      severity: 'info',
      title: `The inspector slowed this connection for ${formatMs(total)} while recording caught up`,
      detail: `Recording could not keep up, so the inspector stopped reading the sender ${plural(facts.backpressure.length, 'time')} (longest ${formatMs(longest)}) until there was room; TCP backpressure slowed the traffic, nothing was lost. Latency and gaps measured around these moments include the inspector's pauses.`,
      evidence: facts.backpressure.slice(0, 5).map((b) => eventRef(b.index, 'capture-backpressure')),
      fix: 'Record to a faster disk, lower the payload preview size, or use `--on-overload drop` to keep the traffic at full speed and count what recording skipped.',
    },
  ];
};

export const protocolRules: ConnectionRule[] = [protocolViolations, captureDropped, captureBackpressure];
