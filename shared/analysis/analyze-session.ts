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
import { groupByConnection } from './group.js';
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
  const kept = ctx.close.injectedFault ? found.filter((f) => !SUPERSEDED_BY_FAULT.has(f.id)) : found;
  return kept.map((input) => makeFinding(facts.id, input));
}

/**
 * Summaries and findings of a whole session. Linear in the number of events; safe to call on a growing array
 * (the caller memoises by revision).
 */
export function analyzeSession(
  session: { header: Pick<SessionHeader, 'startedAt'>; events: readonly CaptureEvent[] },
  options: AnalysisOptions = {},
): SessionAnalysis {
  const resolved = resolveOptions(options);
  const all: ConnectionFacts[] = [];
  for (const [id, events] of groupByConnection(session.events)) all.push(collectFacts(id, events));
  const summaryOptions = resolved.now !== undefined ? { now: resolved.now } : {};
  return {
    connections: all.map((facts) => summarizeFacts(session.header, facts, summaryOptions)),
    findings: [
      ...all.flatMap((facts) => connectionFindings(facts, resolved)),
      ...reconnectStorms(all, resolved),
    ],
  };
}
