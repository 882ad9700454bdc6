import type { ConnectionFault } from '../../../shared/api/contract.js';
import type { InjectedFault } from '../../../shared/model/fault.js';

/** The request's fault with its defaults filled in (side and direction 'both'), as it is recorded. */
export function normalizeFault(fault: ConnectionFault): InjectedFault {
  switch (fault.kind) {
    case 'fin':
    case 'rst':
      return { kind: fault.kind, side: fault.side ?? 'both' };
    case 'close':
      return {
        kind: 'close',
        side: fault.side ?? 'both',
        code: fault.code,
        ...(fault.reason ? { reason: fault.reason } : {}),
      };
    case 'stall':
      return {
        kind: 'stall',
        direction: fault.direction ?? 'both',
        ...(fault.ms !== undefined ? { ms: fault.ms } : {}),
      };
    case 'resume':
      return { kind: 'resume', direction: fault.direction ?? 'both' };
    case 'latency':
      return { kind: 'latency', direction: fault.direction ?? 'both', ms: fault.ms };
  }
}
