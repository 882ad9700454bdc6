import type { Direction } from './wire.js';

/** A fault the inspector's proxy injected on purpose (recorded in an `action` record with action 'fault'). */
export type FaultTarget = 'client' | 'server' | 'both';
export type FaultDirection = 'c2s' | 's2c' | 'both';

export type InjectedFault =
  | { kind: 'fin' | 'rst'; side: FaultTarget }
  | { kind: 'close'; side: FaultTarget; code: number; reason?: string; afterMessages?: number }
  | { kind: 'stall'; direction: FaultDirection; ms?: number }
  | { kind: 'resume'; direction: FaultDirection }
  | { kind: 'latency'; direction: FaultDirection; ms: number }
  | { kind: 'idle-timeout'; ms: number; drop: 'fin' | 'rst' }
  | { kind: 'max-lifetime'; ms: number }
  | { kind: 'reject-upgrade'; status: number; percent: number }
  | { kind: 'drop-after-upgrade'; percent: number }
  | { kind: 'downgrade-http10' }
  | { kind: 'strip-upgrade' }
  | { kind: 'suppress-pongs'; direction: Direction; bytes: number }
  | { kind: 'drop-message'; direction: Direction; rule: string; opcode: number; bytes: number }
  | { kind: 'delay'; direction: FaultDirection; ms: number; jitterMs: number }
  | { kind: 'bandwidth'; direction: FaultDirection; bytesPerSecond: number }
  | {
      kind: 'inject-message';
      direction: Direction;
      opcode: number;
      bytes: number;
      code?: number;
      written?: WrittenFrame;
    }
  | HoldMessageFault
  | ReleaseMessageFault;

/**
 * A message breakpoint held a message (`id` names it in the release record). `bytes`: its payload size; `preview`:
 * the start of its payload as received (text, or hex for binary).
 */
export interface HoldMessageFault {
  kind: 'hold-message';
  id: string;
  direction: Direction;
  opcode: number;
  bytes: number;
  rule: string;
  preview: string;
}

/**
 * What became of a held message: forwarded as received, replaced by an edit (`preview`: the start of what was sent,
 * `bytes` its size) or dropped; by the user or at the hold timeout. `recompressed`: from here on the relay
 * re-compresses this direction's messages itself (permessage-deflate with context takeover after an edit or drop).
 */
export interface ReleaseMessageFault {
  kind: 'release-message';
  id: string;
  direction: Direction;
  outcome: 'forward' | 'edit' | 'drop';
  by: 'user' | 'timeout';
  opcode: number;
  bytes: number;
  preview?: string;
  recompressed?: boolean;
  /** An edit: the frame the relay wrote in the original's place. */
  written?: WrittenFrame;
}

/**
 * A frame the relay wrote itself, as it went on the wire: header fields, the masking key toward the server, and its
 * payload (unmasked; still compressed when `rsv1`), base64, capped at 4 KiB.
 */
export interface WrittenFrame {
  opcode: number;
  rsv1: boolean;
  masked: boolean;
  maskKey?: string;
  headerLength: number;
  payloadLength: number;
  data: string;
  truncated: boolean;
}

export type InjectedFaultKind = InjectedFault['kind'];

/**
 * Faults that change what a peer sees so that it reacts (refuses the upgrade, closes, times out its heartbeat): when
 * the connection then fails, the failure is theirs to explain, not the client's or the server's.
 */
export const PROVOKING_FAULTS: ReadonlySet<InjectedFaultKind> = new Set([
  'downgrade-http10',
  'strip-upgrade',
  'suppress-pongs',
  'drop-message',
  'inject-message',
  'hold-message',
  'release-message',
]);

/** Faults that end the connection (the others only delay it). */
export const ENDING_FAULTS: ReadonlySet<InjectedFaultKind> = new Set([
  'fin',
  'rst',
  'close',
  'idle-timeout',
  'max-lifetime',
  'reject-upgrade',
  'drop-after-upgrade',
]);

const seconds = (ms: number): string =>
  ms % 1000 === 0 ? `${ms / 1000} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;

const OPCODE_NAMES: Record<number, string> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

const towards = (side: FaultTarget): string => (side === 'both' ? 'both sides' : `the ${side}`);
const which = (direction: FaultDirection): string =>
  direction === 'both' ? 'both directions' : direction === 'c2s' ? 'client → server' : 'server → client';

/** Short human wording, e.g. "idle timeout 5 s" or "close 1001 \"bye\" to the client". */
export function describeFault(fault: InjectedFault): string {
  switch (fault.kind) {
    case 'fin':
      return `TCP FIN without a close frame to ${towards(fault.side)}`;
    case 'rst':
      return `TCP reset to ${towards(fault.side)}`;
    case 'close':
      return `close frame ${fault.code}${fault.reason ? ` "${fault.reason}"` : ''} to ${towards(fault.side)}${fault.afterMessages !== undefined ? ` after ${fault.afterMessages} message${fault.afterMessages === 1 ? '' : 's'}` : ''}`;
    case 'stall':
      return `relay stalled (${which(fault.direction)})${fault.ms !== undefined ? ` for ${seconds(fault.ms)}` : ' until resumed'}`;
    case 'resume':
      return `relay resumed (${which(fault.direction)})`;
    case 'latency':
      return fault.ms === 0
        ? `latency removed (${which(fault.direction)})`
        : `latency ${seconds(fault.ms)} per chunk (${which(fault.direction)})`;
    case 'idle-timeout':
      return `idle timeout ${seconds(fault.ms)}, ${fault.drop === 'rst' ? 'TCP reset' : 'TCP FIN'} to both sides`;
    case 'max-lifetime':
      return `maximum connection lifetime ${seconds(fault.ms)}`;
    case 'reject-upgrade':
      return `upgrade rejected with ${fault.status} (${fault.percent}% of upgrades)`;
    case 'drop-after-upgrade':
      return `dropped right after the 101 (${fault.percent}% of upgrades)`;
    case 'downgrade-http10':
      return 'upgrade sent upstream as HTTP/1.0 without keep-alive';
    case 'strip-upgrade':
      return 'upgrade sent upstream without its Upgrade and Connection headers';
    case 'suppress-pongs':
      return `pong swallowed (${which(fault.direction)})`;
    case 'drop-message':
      return `${OPCODE_NAMES[fault.opcode] ?? `opcode ${fault.opcode}`} message of ${fault.bytes} bytes dropped (${which(fault.direction)}; rule: ${fault.rule})`;
    case 'delay':
      return `delay ${seconds(fault.ms)}${fault.jitterMs > 0 ? ` ± ${seconds(fault.jitterMs)}` : ''} per chunk (${which(fault.direction)})`;
    case 'inject-message':
      return `${OPCODE_NAMES[fault.opcode] ?? `opcode ${fault.opcode}`}${fault.code !== undefined ? ` ${fault.code}` : ''} of ${fault.bytes} bytes injected (${which(fault.direction)})`;
    case 'hold-message':
      return `${OPCODE_NAMES[fault.opcode] ?? `opcode ${fault.opcode}`} message of ${fault.bytes} bytes held (${which(fault.direction)}; rule: ${fault.rule})`;
    case 'release-message':
      return `held message ${fault.outcome === 'forward' ? 'forwarded unchanged' : fault.outcome === 'edit' ? `edited (${fault.bytes} bytes sent)` : 'dropped'} ${fault.by === 'timeout' ? 'at the hold timeout' : 'by the user'} (${which(fault.direction)})${fault.recompressed ? '; the relay re-compresses this direction from here on' : ''}`;
    case 'bandwidth':
      return `bandwidth limited to ${fault.bytesPerSecond} bytes/s (${which(fault.direction)})`;
  }
}
