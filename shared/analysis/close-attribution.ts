import type { CloseInitiator, CloseKind } from '../model/finding.js';
import type { CaptureEvent, FrameEvent, TcpEvent } from '../model/events.js';
import type { Direction, Side } from '../model/wire.js';
import type { ConnectionFacts, Indexed } from './connection-facts.js';
import { collectFacts, openedT } from './connection-facts.js';
import { silenceByDirection } from './silence.js';
import { minOf } from './format.js';
import { describeFault, ENDING_FAULTS, PROVOKING_FAULTS } from '../model/fault.js';
import type { InjectedFault } from '../model/fault.js';

export interface InjectedFaultFact {
  fault: InjectedFault;
  /** e.g. "idle timeout 5 s". */
  description: string;
  t: number;
  index: number;
}

export interface CloseFrameFact {
  side: Side;
  t: number;
  seq: number;
  /** Index of the frame event in the connection's events. */
  index: number;
  code: number | null;
  reason: string | null;
}

export interface TcpEndFact {
  side: Side;
  kind: 'fin' | 'rst';
  t: number;
  index: number;
  leg: TcpEvent['leg'];
}

/** The first error of a connection, as close attribution needs it. */
export interface ErrorFact {
  t: number;
  index: number;
  code: string;
  side?: Side;
}

/**
 * What close attribution looks at, folded one record at a time (`observeClose`): the CLI and the renderer keep it per
 * connection as records arrive, the analyzer folds a whole connection. One fold and one verdict (`closeVerdict`), so
 * every view names the same closer.
 */
export interface CloseEvidence {
  /** First close frame, and the first close frame from the other side (the reply). */
  firstClose?: CloseFrameFact;
  replyClose?: CloseFrameFact;
  firstFin?: TcpEndFact;
  firstRst?: TcpEndFact;
  /** The first TCP FIN or RST, whichever came first. */
  firstTcpEnd?: TcpEndFact;
  firstError?: ErrorFact;
  firstTimeoutError?: ErrorFact;
  /** The first injected fault that ends a connection, and the first that changes what a peer sees. */
  endingFault?: InjectedFaultFact;
  provokingFault?: InjectedFaultFact;
  end?: { t: number; index: number };
}

/** Who ended the connection and how, from the evidence alone. */
export interface CloseVerdict {
  initiator: CloseInitiator;
  kind: CloseKind;
  firstClose?: CloseFrameFact;
  replyClose?: CloseFrameFact;
  firstFin?: TcpEndFact;
  firstRst?: TcpEndFact;
  firstTcpEnd?: TcpEndFact;
  /** Time of the first ending act (close frame, FIN, RST, error, end record); undefined while open. */
  endedT?: number;
  closingHandshakeComplete: boolean;
  /** The inspector's injected fault that ended the connection (initiator 'inspector'). */
  injectedFault?: InjectedFaultFact;
  /**
   * A fault that changed what a peer saw (a downgraded or stripped upgrade, a swallowed pong, a dropped message)
   * before a connection that failed: the peer's reaction is the reproduction, the initiator stays who acted.
   */
  provokedBy?: InjectedFaultFact;
  /** Code a browser CloseEvent would report; null while open. */
  browserCloseCode: number | null;
}

export interface CloseAttribution extends CloseVerdict {
  /** Silence per direction (ms since the last frame sent that way) when the first ending act happened. */
  silenceBefore?: Record<Direction, number>;
}

const TIMEOUT_CODE = /TIMEOUT|TIMEDOUT/i;

function closeFact(e: Indexed<FrameEvent>): CloseFrameFact {
  return {
    side: e.frame.dir === 'c2s' ? 'client' : 'server',
    t: e.t,
    seq: e.frame.seq,
    index: e.index,
    code: e.frame.close?.code ?? null,
    reason: e.frame.close?.reason ?? null,
  };
}

function tcpFact(e: Indexed<TcpEvent>): TcpEndFact {
  return { side: e.side, kind: e.kind === 'rst' ? 'rst' : 'fin', t: e.t, index: e.index, leg: e.leg };
}

function faultFact(fault: InjectedFault, t: number, index: number): InjectedFaultFact {
  return { fault, description: describeFault(fault), t, index };
}

/** No evidence yet: the starting value of the fold. */
export const NO_CLOSE_EVIDENCE: CloseEvidence = Object.freeze({});

/**
 * Fold one record (at `index` in its connection's records) into the evidence. Returns `evidence` itself when the
 * record changes nothing (most records), else a new object: safe to keep in immutable state.
 */
export function observeClose(evidence: CloseEvidence, event: CaptureEvent, index: number): CloseEvidence {
  switch (event.type) {
    case 'frame': {
      if (event.frame.opcode !== 0x8) return evidence;
      const fact = closeFact({ ...event, index });
      if (!evidence.firstClose) return { ...evidence, firstClose: fact };
      if (!evidence.replyClose && fact.side !== evidence.firstClose.side)
        return { ...evidence, replyClose: fact };
      return evidence;
    }
    case 'tcp': {
      if (event.kind === 'connect') return evidence;
      const fact = tcpFact({ ...event, index });
      const next = { ...evidence };
      if (fact.kind === 'fin') next.firstFin ??= fact;
      else next.firstRst ??= fact;
      next.firstTcpEnd ??= fact;
      return next.firstFin === evidence.firstFin && next.firstRst === evidence.firstRst ? evidence : next;
    }
    case 'error': {
      if (evidence.firstError && (evidence.firstTimeoutError || !TIMEOUT_CODE.test(event.code)))
        return evidence;
      const fact: ErrorFact = {
        t: event.t,
        index,
        code: event.code,
        ...(event.side ? { side: event.side } : {}),
      };
      const next = { ...evidence };
      next.firstError ??= fact;
      if (TIMEOUT_CODE.test(event.code)) next.firstTimeoutError ??= fact;
      return next;
    }
    case 'action': {
      const fault = event.action === 'fault' ? event.fault : undefined;
      if (!fault) return evidence;
      // A held message is named by what became of it (edited, dropped, forwarded late) once it was released.
      const held = evidence.provokingFault?.fault;
      if (
        held?.kind === 'hold-message' &&
        fault.kind === 'release-message' &&
        fault.id === held.id &&
        !evidence.end
      )
        return { ...evidence, provokingFault: faultFact(fault, event.t, index) };
      if (!evidence.endingFault && ENDING_FAULTS.has(fault.kind))
        return { ...evidence, endingFault: faultFact(fault, event.t, index) };
      if (!evidence.provokingFault && PROVOKING_FAULTS.has(fault.kind))
        return { ...evidence, provokingFault: faultFact(fault, event.t, index) };
      return evidence;
    }
    case 'end':
      return evidence.end ? evidence : { ...evidence, end: { t: event.t, index } };
    default:
      return evidence;
  }
}

/**
 * Who ended the connection and how. The first close frame decides the initiator; without one, the first FIN/RST
 * (in a proxy session: whichever end the proxy saw act first), then an error's side. An injected fault that came
 * before every other ending act makes the inspector the initiator.
 */
export function closeVerdict(evidence: CloseEvidence): CloseVerdict {
  const { firstClose, replyClose, firstFin: fin, firstRst: rst, firstTcpEnd: tcpEnd, end } = evidence;
  const { firstError, firstTimeoutError: timeoutError, endingFault, provokingFault } = evidence;

  let kind: CloseKind;
  if (firstClose) kind = 'close-frame';
  else if (rst && (!fin || rst.t <= fin.t)) kind = 'tcp-rst';
  else if (timeoutError && (!tcpEnd || timeoutError.t <= tcpEnd.t)) kind = 'timeout';
  else if (fin) kind = 'tcp-fin';
  else if (firstError) kind = 'error';
  else if (end) kind = rst ? 'tcp-rst' : 'tcp-fin';
  else kind = 'open';

  let initiator: CloseInitiator = 'unknown';
  if (firstClose) initiator = firstClose.side;
  else if (tcpEnd) initiator = tcpEnd.side;
  else if (firstError?.side) initiator = firstError.side;

  const endedT = minOf(
    [endingFault?.t, firstClose?.t, tcpEnd?.t, firstError?.t, end?.t].filter(
      (t): t is number => t !== undefined,
    ),
  );
  const injectedFault = endingFault && endingFault.t <= (endedT ?? Infinity) ? endingFault : undefined;
  if (injectedFault) initiator = 'inspector';
  const closingHandshakeComplete = firstClose !== undefined && replyClose !== undefined;
  const cleanEnd = closingHandshakeComplete && (firstClose.code === 1000 || firstClose.code === 1001);
  const provokedBy =
    provokingFault && !injectedFault && endedT !== undefined && !cleanEnd && provokingFault.t <= endedT
      ? provokingFault
      : undefined;

  const fromServer = firstClose?.side === 'server' ? firstClose : replyClose;
  let browserCloseCode: number | null = null;
  if (fromServer) browserCloseCode = fromServer.code ?? 1005;
  else if (kind !== 'open') browserCloseCode = 1006;

  const result: CloseVerdict = { initiator, kind, closingHandshakeComplete, browserCloseCode };
  if (injectedFault) result.injectedFault = injectedFault;
  if (provokedBy) result.provokedBy = provokedBy;
  if (firstClose) result.firstClose = firstClose;
  if (replyClose) result.replyClose = replyClose;
  if (fin) result.firstFin = fin;
  if (rst) result.firstRst = rst;
  if (tcpEnd) result.firstTcpEnd = tcpEnd;
  if (endedT !== undefined) result.endedT = endedT;
  return result;
}

/** The evidence of a connection whose facts were collected in one pass. */
function evidenceOf(facts: ConnectionFacts): CloseEvidence {
  let evidence = NO_CLOSE_EVIDENCE;
  for (const list of [facts.closeFrames, facts.tcp, facts.errors, facts.faults] as const)
    for (const event of list) evidence = observeClose(evidence, event, event.index);
  if (facts.end) evidence = { ...evidence, end: { t: facts.end.t, index: facts.end.index } };
  return evidence;
}

/** Close attribution of collected facts: the verdict, plus the silence before the end. */
export function attributeCloseFacts(facts: ConnectionFacts): CloseAttribution {
  const verdict: CloseAttribution = closeVerdict(evidenceOf(facts));
  const isOpen = openedT(facts) !== undefined;
  if (verdict.endedT !== undefined && isOpen)
    verdict.silenceBefore = silenceByDirection(facts, verdict.endedT);
  return verdict;
}

/** Close attribution for one connection's events. */
export function attributeClose(events: Parameters<typeof collectFacts>[1]): CloseAttribution {
  return attributeCloseFacts(collectFacts(events[0]?.conn ?? '', events));
}
