import { openedT } from '../connection-facts.js';
import type { ConnectionFacts } from '../connection-facts.js';
import { formatMs } from '../format.js';
import type { ConnectionRule } from './context.js';
import { eventRef } from './context.js';

function stateAtCut(facts: ConnectionFacts): string {
  if (facts.tcp.some((e) => e.kind !== 'connect')) return 'while its TCP connection was closing';
  if (facts.closeFrames.length > 0) return 'during its closing handshake';
  if (openedT(facts) !== undefined) return 'while it was open';
  return 'before its handshake completed';
}

/**
 * A finished recording in which a connection has no `end` record: the recorder was killed (or crashed) and the file
 * stops there. Nothing after the last record is known, so how the connection ended is not attributed.
 */
export const recordingCut: ConnectionRule = ({ facts, options }) => {
  if (!options.recordingEnded || facts.end || facts.count === 0) return [];
  const at = new Date(options.startedAt + facts.lastT).toISOString();
  const since = facts.connection ? ` (${formatMs(facts.lastT - facts.connection.t)} after it started)` : '';
  return [
    {
      id: 'capture.cut',
      severity: 'warning',
      title: `Recording cut at ${at}: no end recorded for this connection`,
      detail: `The session file ends without this connection's end record; its last record is at ${at}${since}, ${stateAtCut(facts)}. The recorder was killed or crashed (or the file is still being written), so what happened after that is unknown: the close is not attributed and counts are lower bounds.`,
      evidence: [eventRef(facts.count - 1, 'last record')],
      fix: 'Stop the recorder with Ctrl-C (SIGINT) or SIGTERM, or let --duration end it: it then closes every connection and writes their end records. A `kill -9` cannot be caught.',
    },
  ];
};
