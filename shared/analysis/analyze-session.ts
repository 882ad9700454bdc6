import type { CaptureEvent } from '../model/events.js';
import type { Finding, SessionAnalysis } from '../model/finding.js';
import type { SessionHeader } from '../model/session.js';
import { attributeCloseFacts } from './close-attribution.js';
import type { ConnectionFacts } from './connection-facts.js';
import { collectFacts } from './connection-facts.js';
import { closeRules } from './findings/close.js';
import type { AnalysisOptions, ConnectionRule, ResolvedOptions } from './findings/context.js';
import { makeFinding, resolveOptions } from './findings/context.js';
import { faultInjected, SUPERSEDED_BY_FAULT } from './findings/fault.js';
import { handshakeRules } from './findings/handshake.js';
import { heartbeatRules } from './findings/heartbeat.js';
import { appProtocolRules } from './findings/app-protocol.js';
import { protocolRules } from './findings/protocol.js';
import { tlsRules } from './findings/tls.js';
import { reconnectStorms } from './findings/reconnect.js';
import { recordingCut } from './findings/recording-cut.js';
import { groupByConnection } from './group.js';
import { checkable, importedAnalysis } from './imported.js';
import { analyzeHeartbeatFacts } from './heartbeat.js';
import { summarizeFacts } from './summary.js';

/** Causes before effects: a report reads top-down from what went wrong to how the connection ended. */
const CONNECTION_RULES: readonly ConnectionRule[] = [
  faultInjected,
  ...handshakeRules,
  ...tlsRules,
  ...protocolRules,
  ...heartbeatRules,
  ...appProtocolRules,
  ...closeRules,
  recordingCut,
];

/** Findings of one connection (its facts collected already). */
export function connectionFindings(facts: ConnectionFacts, options: ResolvedOptions): Finding[] {
  const decoder = options.decoders?.[facts.id];
  const heartbeatOptions = {
    gapThresholdMs: options.gapThresholdMs,
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(decoder ? { decoder } : {}),
  };
  const ctx = {
    facts,
    close: attributeCloseFacts(facts),
    heartbeat: analyzeHeartbeatFacts(facts, heartbeatOptions),
    options,
  };
  const found = CONNECTION_RULES.flatMap((rule) => rule(ctx));
  const cause = ctx.close.injectedFault ?? ctx.close.provokedBy;
  if (!cause) return found.map((input) => makeFinding(facts.id, input));
  const explained = found.filter((f) => SUPERSEDED_BY_FAULT.has(f.id));
  const kept = found.filter((f) => !SUPERSEDED_BY_FAULT.has(f.id));
  return kept.map((input) => {
    const isCause = input.id === 'fault.injected' && input.evidence[0]?.ref === cause.index;
    if (!isCause || explained.length === 0) return makeFinding(facts.id, input);
    const list = explained.map((f) => `${f.title} [${f.id}]`).join('; ');
    return makeFinding(facts.id, {
      ...input,
      detail: `${input.detail} It explains what would otherwise be reported: ${list}.`,
    });
  });
}

/**
 * Summaries and findings of a whole session. Linear in the number of events; safe to call on a growing array
 * (the caller memoises by revision).
 */
export function analyzeSession(
  session: {
    header: Pick<SessionHeader, 'startedAt'> & Partial<Pick<SessionHeader, 'imported'>>;
    events: readonly CaptureEvent[];
  },
  options: AnalysisOptions = {},
): SessionAnalysis {
  const all: ConnectionFacts[] = [];
  for (const [id, events] of groupByConnection(session.events)) all.push(collectFacts(id, events));
  return analyzeFacts(session.header, all, options);
}

/** Summaries and findings from every connection's facts (collected at once, or streamed: analysis-stream.ts). */
export function analyzeFacts(
  header: Pick<SessionHeader, 'startedAt'> & Partial<Pick<SessionHeader, 'imported'>>,
  all: readonly ConnectionFacts[],
  options: AnalysisOptions = {},
): SessionAnalysis {
  const resolved = resolveOptions(options, header.startedAt);
  const summaryOptions = {
    ...(resolved.now !== undefined ? { now: resolved.now } : {}),
    recordingEnded: resolved.recordingEnded,
  };
  const imported = header.imported ? importedAnalysis(header.imported) : undefined;
  const findings = [
    ...all.flatMap((facts) => connectionFindings(facts, resolved)),
    ...reconnectStorms(all, resolved),
  ];
  return {
    connections: all.map((facts) => summarizeFacts(header, facts, summaryOptions)),
    findings: checkable(findings, imported),
    ...(imported ? { imported } : {}),
  };
}
