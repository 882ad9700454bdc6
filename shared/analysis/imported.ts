import type { Finding, ImportedAnalysis } from '../model/finding.js';
import type { SessionImport, UnknownFact } from '../model/session.js';
import type { FindingId } from './finding-ids.js';

/** The findings each missing fact makes impossible to check (they need frames, close frames, TCP events, TLS...). */
const NEEDS: Record<UnknownFact, readonly FindingId[]> = {
  frames: [
    'protocol.violation',
    'heartbeat.gap',
    'heartbeat.unanswered-ping',
    'heartbeat.slow-pong',
    'heartbeat.drift',
    'heartbeat.app-unanswered',
    'heartbeat.app-slow-reply',
  ],
  close: [
    'close.after-upgrade',
    'close.idle-drop',
    'close.abnormal',
    'close.no-reply',
    'close.code',
    'close.forbidden-code',
  ],
  tcp: ['close.after-upgrade', 'close.idle-drop', 'close.abnormal', 'capture.dropped'],
  tls: ['tls.untrusted', 'tls.expiring'],
  accept: ['handshake.bad-accept'],
  'raw-heads': [],
  messages: [],
};

const FACT_WORDS: Record<UnknownFact, string> = {
  frames: 'frames (FIN/RSV/mask bits, wire sizes, control frames)',
  close: 'close frames (how and by whom each connection ended)',
  tcp: 'TCP connect/FIN/RST',
  tls: 'TLS details',
  'raw-heads': 'the raw bytes of the HTTP heads',
  accept: 'the Sec-WebSocket-Accept check',
  messages: 'WebSocket messages (this tool does not export them)',
};

/** Which findings a session imported from `source` cannot support, and a notice saying so. */
export function importedAnalysis(source: SessionImport): ImportedAnalysis {
  const unchecked = [...new Set(source.unknown.flatMap((fact) => NEEDS[fact]))].sort();
  const lacks = source.unknown.map((fact) => FACT_WORDS[fact]).join('; ');
  return {
    creator: source.creator,
    unknown: source.unknown,
    unchecked,
    notice:
      `Imported from a HAR written by ${source.creator}. It does not hold ${lacks || 'anything this analyzer needs beyond messages'}; ` +
      (unchecked.length > 0
        ? `these findings could not be checked: ${unchecked.join(', ')}.`
        : 'every finding could be checked.'),
  };
}

/** Findings that rest on facts the import lacks are dropped (they would be made of missing data, not evidence). */
export const checkable = (findings: Finding[], imported: ImportedAnalysis | undefined): Finding[] =>
  imported ? findings.filter((f) => !imported.unchecked.includes(f.id)) : findings;
