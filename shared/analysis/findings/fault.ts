import { describeFault } from '../../model/fault.js';
import { formatMs } from '../format.js';
import type { ConnectionContext, ConnectionRule, FindingInput } from './context.js';
import { eventRef } from './context.js';

/**
 * Findings that would blame the client or the server for what the inspector's fault injection did; they are left
 * out when an injected fault ended the connection.
 */
export const SUPERSEDED_BY_FAULT: ReadonlySet<string> = new Set([
  'close.after-upgrade',
  'close.idle-drop',
  'close.abnormal',
  'close.no-reply',
  'close.code',
  'handshake.rejected',
  'handshake.gateway-error',
  'handshake.http10',
  'handshake.upgrade-lost',
  'heartbeat.unanswered-ping',
  'heartbeat.app-unanswered',
]);

function consequence(ctx: ConnectionContext): string {
  const code = ctx.close.browserCloseCode;
  const fault = ctx.close.injectedFault?.fault;
  if (fault?.kind === 'reject-upgrade')
    return `The client got HTTP ${fault.status} instead of a 101; the server never saw the request.`;
  const status = ctx.facts.responses.at(-1)?.head.status;
  if (!ctx.facts.open && status !== undefined && status !== 101)
    return `The server answered HTTP ${status} instead of a 101.`;
  if (code === null) return '';
  return code === 1006
    ? 'No close frame reached the client: a browser reports 1006 (abnormal closure).'
    : `A browser reports close code ${code}.`;
}

/** Every fault the inspector injected, the ending one worded as the cause of the close. */
export const faultInjected: ConnectionRule = (ctx) => {
  const { facts, close } = ctx;
  const ending = close.injectedFault;
  return facts.faults.map((event): FindingInput => {
    const description = describeFault(event.fault);
    const ended = ending?.index === event.index;
    const at = facts.connection ? ` at ${formatMs(event.t - facts.connection.t)}` : '';
    if (close.provokedBy?.index === event.index)
      return {
        id: 'fault.injected',
        severity: 'info',
        title: `Failure provoked by the inspector's fault injection (${description})`,
        detail: `The inspector's proxy changed what a peer saw on purpose${at} (${description}); what followed is the reproduction of a failure, not a fault of the client or the server. ${consequence(ctx)}`,
        evidence: [eventRef(event.index, 'injected fault')],
        fix: 'Nothing to fix on the client or server for this run: this was a deliberate test. Check that the side that reacted did so as intended, and compare with a run without the fault.',
      };
    return {
      id: 'fault.injected',
      severity: 'info',
      title: ended
        ? `Dropped by the inspector's fault injection (${description})`
        : `The inspector injected a fault: ${description}`,
      detail: ended
        ? `The inspector's proxy ended this connection on purpose${at} (${description}); neither the client nor the server caused it. ${consequence(ctx)}`
        : `The inspector's proxy injected this fault on purpose${at}; timings after it include its effect.`,
      evidence: [eventRef(event.index, 'injected fault')],
      fix: 'Nothing to fix on the client or server: this was a deliberate test. Check that the client reacted as intended (e.g. reconnected with backoff).',
    };
  });
};
