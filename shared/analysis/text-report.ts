import type { ConnectionSummary, Finding, ImportedAnalysis, SessionAnalysis } from '../model/finding.js';
import { tlsReportLines } from '../model/tls-text.js';
import { formatMs } from './format.js';
import { escapeTerminal as esc } from '../util/terminal-text.js';

function closeLine(c: ConnectionSummary, closeUnknown: boolean): string {
  if (closeUnknown && c.closeKind === 'open')
    return c.closedAt !== null
      ? 'ended; how and by whom is not in the source'
      : 'unknown (not in the source)';
  const cut =
    c.cutAt !== undefined ? `recording cut after ${new Date(c.cutAt).toISOString()} (no end record)` : '';
  if (c.closeKind === 'open') return cut ? `unknown: ${cut}` : 'still open';
  if (cut) return `${closedLine(c)}; ${cut}`;
  return closedLine(c);
}

function closedLine(c: ConnectionSummary): string {
  const code =
    c.closeCode !== null ? ` code ${c.closeCode}${c.closeReason ? ` "${esc(c.closeReason)}"` : ''}` : '';
  const browser =
    c.browserCloseCode !== undefined && c.browserCloseCode !== null
      ? `, browser sees ${c.browserCloseCode}`
      : '';
  const handshake =
    c.closeKind === 'close-frame'
      ? c.closingHandshakeComplete
        ? ', handshake complete'
        : ', not answered'
      : '';
  return `${c.closeKind} by ${c.closeInitiator}${code}${handshake}${browser}`;
}

function connectionBlock(c: ConnectionSummary, imported: ImportedAnalysis | undefined): string {
  const duration =
    c.closedAt !== null
      ? formatMs(c.closedAt - c.openedAt)
      : c.cutAt !== undefined
        ? `unknown (at least ${formatMs(Math.max(0, c.cutAt - c.openedAt))})`
        : 'open';
  return [
    `${esc(c.id)}  ${esc(c.url)}`,
    `  status ${c.status ?? 'none'}${c.httpVersion ? ` (request HTTP/${c.httpVersion})` : ''}, opened ${new Date(c.openedAt).toISOString()}, duration ${duration}`,
    ...(c.tls ? tlsReportLines(c.tls).map((line) => `  ${line}`) : []),
    imported?.unknown.includes('frames')
      ? '  frames: unknown (the source holds whole messages only)'
      : `  frames in ${c.framesIn} (${c.bytesIn} B), out ${c.framesOut} (${c.bytesOut} B), longest silence ${formatMs(c.maxSilenceMs)}`,
    `  close: ${closeLine(c, imported?.unknown.includes('close') === true)}`,
  ].join('\n');
}

const SEVERITY_LABEL = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' } as const;

function findingBlock(f: Finding): string {
  return [
    `${SEVERITY_LABEL[f.severity]} [${f.id}] ${esc(f.connection)}: ${esc(f.title)}`,
    `  ${esc(f.detail)}`,
    `  Fix: ${f.fix}`,
  ].join('\n');
}

/** The readable report `wsi analyze` prints without --json. */
export function formatTextReport(analysis: SessionAnalysis): string {
  const parts: string[] = [];
  if (analysis.imported) parts.push(`NOTE ${analysis.imported.notice}`, '');
  parts.push(`Connections (${analysis.connections.length})`, '');
  for (const c of analysis.connections) parts.push(connectionBlock(c, analysis.imported), '');
  parts.push(`Findings (${analysis.findings.length})`, '');
  if (analysis.findings.length === 0) parts.push('No problems found.', '');
  for (const f of analysis.findings) parts.push(findingBlock(f), '');
  return parts.join('\n');
}
