import type { CloseInitiator, CloseKind } from '../model/finding.js';
import type { FrameEvent, TcpEvent } from '../model/events.js';
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

export interface CloseAttribution {
  initiator: CloseInitiator;
  kind: CloseKind;
  /** First close frame, and the first close frame from the other side (the reply). */
  firstClose?: CloseFrameFact;
  replyClose?: CloseFrameFact;
  firstFin?: TcpEndFact;
  firstRst?: TcpEndFact;
  /** The first TCP FIN or RST, whichever came first. */
  firstTcpEnd?: TcpEndFact;
  /** Time of the first ending act (close frame, FIN, RST, error, end record); undefined while open. */
  endedT?: number;
  /** Silence per direction (ms since the last frame sent that way) when the first ending act happened. */
  silenceBefore?: Record<Direction, number>;
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

/**
 * Who ended the connection and how. The first close frame decides the initiator; without one, the first FIN/RST
 * (in a proxy session: whichever end the proxy saw act first), then an error's side.
 */
export function attributeCloseFacts(facts: ConnectionFacts): CloseAttribution {
  const closes = facts.closeFrames;
  const first = closes[0];
  const firstClose = first ? closeFact(first) : undefined;
  const replyEvent = firstClose ? closes.find((c) => c.frame.dir !== first?.frame.dir) : undefined;
  const replyClose = replyEvent ? closeFact(replyEvent) : undefined;
  const fin = facts.tcp.find((e) => e.kind === 'fin');
  const rst = facts.tcp.find((e) => e.kind === 'rst');
  const tcpEnd = facts.tcp.find((e) => e.kind !== 'connect');
  const timeoutError = facts.errors.find((e) => TIMEOUT_CODE.test(e.code));
  const firstError = facts.errors[0];

  let kind: CloseKind;
  if (firstClose) kind = 'close-frame';
  else if (rst && (!fin || rst.t <= fin.t)) kind = 'tcp-rst';
  else if (timeoutError && (!tcpEnd || timeoutError.t <= tcpEnd.t)) kind = 'timeout';
  else if (fin) kind = 'tcp-fin';
  else if (firstError) kind = 'error';
  else if (facts.end) kind = rst ? 'tcp-rst' : 'tcp-fin';
  else kind = 'open';

  let initiator: CloseInitiator = 'unknown';
  if (firstClose) initiator = firstClose.side;
  else if (tcpEnd) initiator = tcpEnd.side;
  else if (firstError?.side) initiator = firstError.side;

  const endingFault = facts.faults.find((f) => ENDING_FAULTS.has(f.fault.kind));
  const endings = [endingFault?.t, firstClose?.t, tcpEnd?.t, firstError?.t, facts.end?.t].filter(
    (t): t is number => t !== undefined,
  );
  const endedT = minOf(endings);
  const injectedFault =
    endingFault && endingFault.t <= (endedT ?? Infinity)
      ? {
          fault: endingFault.fault,
          description: describeFault(endingFault.fault),
          t: endingFault.t,
          index: endingFault.index,
        }
      : undefined;
  if (injectedFault) initiator = 'inspector';
  const cleanEnd =
    firstClose !== undefined &&
    replyClose !== undefined &&
    (firstClose.code === 1000 || firstClose.code === 1001);
  const firstProvoking =
    injectedFault || endedT === undefined || cleanEnd
      ? undefined
      : facts.faults.find((f) => PROVOKING_FAULTS.has(f.fault.kind) && f.t <= endedT);
  // A held message is named by what became of it (edited, dropped, forwarded late) once it was released.
  const held = firstProvoking?.fault.kind === 'hold-message' ? firstProvoking.fault.id : undefined;
  const provoking =
    (held !== undefined
      ? facts.faults.find(
          (f) => f.fault.kind === 'release-message' && f.fault.id === held && f.t <= (endedT ?? Infinity),
        )
      : undefined) ?? firstProvoking;
  const provokedBy = provoking
    ? {
        fault: provoking.fault,
        description: describeFault(provoking.fault),
        t: provoking.t,
        index: provoking.index,
      }
    : undefined;
  const isOpen = openedT(facts) !== undefined;
  const silenceBefore = endedT !== undefined && isOpen ? silenceByDirection(facts, endedT) : undefined;

  const fromServer = closes.find((c) => c.frame.dir === 's2c');
  let browserCloseCode: number | null = null;
  if (fromServer) browserCloseCode = fromServer.frame.close?.code ?? 1005;
  else if (kind !== 'open') browserCloseCode = 1006;

  const result: CloseAttribution = {
    initiator,
    kind,
    closingHandshakeComplete: firstClose !== undefined && replyClose !== undefined,
    browserCloseCode,
  };
  if (injectedFault) result.injectedFault = injectedFault;
  if (provokedBy) result.provokedBy = provokedBy;
  if (firstClose) result.firstClose = firstClose;
  if (replyClose) result.replyClose = replyClose;
  if (fin) result.firstFin = tcpFact(fin);
  if (rst) result.firstRst = tcpFact(rst);
  if (tcpEnd) result.firstTcpEnd = tcpFact(tcpEnd);
  if (endedT !== undefined) result.endedT = endedT;
  if (silenceBefore) result.silenceBefore = silenceBefore;
  return result;
}

/** Close attribution for one connection's events. */
export function attributeClose(events: Parameters<typeof collectFacts>[1]): CloseAttribution {
  return attributeCloseFacts(collectFacts(events[0]?.conn ?? '', events));
}
