import type {
  ActionEvent,
  CaptureEvent,
  ConnectionEvent,
  ConnectionId,
  ErrorEvent,
  FrameEvent,
  HttpRequestEvent,
  HttpResponseEvent,
  MessageEvent,
  OpenEvent,
  TcpEvent,
  ViolationEvent,
  CaptureBackpressureEvent,
  DroppedEvent,
} from '../model/events.js';
import type { Leg } from '../model/wire.js';
import type { InjectedFault } from '../model/fault.js';

export type InjectedFaultEvent = ActionEvent & { fault: InjectedFault };

/** An event with its index in the connection's event array (the index evidence refs point to). */
export type Indexed<E> = E & { index: number };

/**
 * A connection's frames in order: an array, or columns that make each frame when it is read (frame-columns.ts, for
 * a session streamed from a file). Read them by iterating, `length` and `at`; do not keep the frames read.
 */
export interface FrameList extends Iterable<Indexed<FrameEvent>> {
  readonly length: number;
  /** The frame at position `i` (negative: from the end), or undefined. */
  at(i: number): Indexed<FrameEvent> | undefined;
}

/** Where a FactsBuilder puts a connection's frames. */
export interface FrameStore extends FrameList {
  push(event: FrameEvent, index: number): void;
}

/** The frames of `collectFacts`: the indexed events themselves, in an array. */
class FrameArray implements FrameStore {
  private readonly frames: Indexed<FrameEvent>[] = [];

  get length(): number {
    return this.frames.length;
  }

  at(i: number): Indexed<FrameEvent> | undefined {
    return this.frames.at(i);
  }

  push(event: FrameEvent, index: number): void {
    this.frames.push({ ...event, index });
  }

  [Symbol.iterator](): Iterator<Indexed<FrameEvent>> {
    return this.frames[Symbol.iterator]();
  }
}

/**
 * A store that keeps no frame: `facts.frames` stays empty (close frames are still kept in `closeFrames`), for a
 * reader that handles each frame as it comes (the streamed HAR export).
 */
export const noFrames = (): FrameStore => ({
  length: 0,
  at: () => undefined,
  push: () => undefined,
  [Symbol.iterator]: () => ([] as Indexed<FrameEvent>[])[Symbol.iterator](),
});

/** Everything the analyzers need about one connection, collected in one pass over its events. */
export interface ConnectionFacts {
  id: ConnectionId;
  connection?: Indexed<ConnectionEvent>;
  requests: Indexed<HttpRequestEvent>[];
  responses: Indexed<HttpResponseEvent>[];
  open?: Indexed<OpenEvent>;
  frames: FrameList;
  /** Assembled data messages, in order (what the protocol decoders read). */
  messages: Indexed<MessageEvent>[];
  /** The close frames among `frames`, in order. */
  closeFrames: Indexed<FrameEvent>[];
  tcp: Indexed<TcpEvent>[];
  errors: Indexed<ErrorEvent>[];
  violations: Indexed<ViolationEvent>[];
  dropped: Indexed<DroppedEvent>[];
  backpressure: Indexed<CaptureBackpressureEvent>[];
  /** Faults the inspector's proxy injected (action records with action 'fault'). */
  faults: Indexed<InjectedFaultEvent>[];
  /** The client's pong timeout expired (action records with action 'pong-timeout'). */
  pongTimeouts: Indexed<ActionEvent>[];
  end?: Indexed<{ type: 'end'; t: number }>;
  /** Time of the first and last event. */
  firstT: number;
  lastT: number;
  /** Number of events (the last one's index + 1). */
  count: number;
}

/** Builds a connection's facts one event at a time (each event's index is its position in the connection). */
export class FactsBuilder {
  readonly facts: ConnectionFacts;

  /** `frames`: where the frames go (default an array of the events; frame-columns.ts keeps them compact). */
  constructor(
    id: ConnectionId,
    private readonly frames: FrameStore = new FrameArray(),
  ) {
    this.facts = {
      id,
      requests: [],
      responses: [],
      frames,
      messages: [],
      closeFrames: [],
      tcp: [],
      errors: [],
      violations: [],
      dropped: [],
      backpressure: [],
      faults: [],
      pongTimeouts: [],
      firstT: 0,
      lastT: 0,
      count: 0,
    };
  }

  /** Adds the connection's next event. */
  add(event: CaptureEvent): void {
    const facts = this.facts;
    const index = facts.count++;
    if (index === 0) facts.firstT = facts.lastT = event.t;
    if (event.t > facts.lastT) facts.lastT = event.t;
    switch (event.type) {
      case 'connection':
        facts.connection ??= { ...event, index };
        break;
      case 'http-request':
        facts.requests.push({ ...event, index });
        break;
      case 'http-response':
        facts.responses.push({ ...event, index });
        break;
      case 'open':
        facts.open ??= { ...event, index };
        break;
      case 'frame': {
        const frames = this.frames;
        frames.push(event, index);
        if (isCloseFrame(event)) facts.closeFrames.push(frames.at(frames.length - 1) ?? { ...event, index });
        break;
      }
      case 'message':
        facts.messages.push({ ...event, index });
        break;
      case 'tcp':
        facts.tcp.push({ ...event, index });
        break;
      case 'error':
        facts.errors.push({ ...event, index });
        break;
      case 'violation':
        facts.violations.push({ ...event, index });
        break;
      case 'dropped':
        facts.dropped.push({ ...event, index });
        break;
      case 'capture-backpressure':
        facts.backpressure.push({ ...event, index });
        break;
      case 'action':
        if (event.action === 'fault' && event.fault)
          facts.faults.push({ ...event, fault: event.fault, index });
        else if (event.action === 'pong-timeout') facts.pongTimeouts.push({ ...event, index });
        break;
      case 'end':
        facts.end ??= { type: 'end', t: event.t, index };
        break;
      default:
        break;
    }
  }

  /** Counts an event without storing it (a streaming reader's message that no analyzer will read). */
  skip(event: CaptureEvent): void {
    const facts = this.facts;
    if (facts.count++ === 0) facts.firstT = facts.lastT = event.t;
    if (event.t > facts.lastT) facts.lastT = event.t;
  }
}

export function collectFacts(id: ConnectionId, events: readonly CaptureEvent[]): ConnectionFacts {
  const builder = new FactsBuilder(id);
  for (const event of events) builder.add(event);
  return builder.facts;
}

/** The leg the client application saw: `direct` in client mode, `downstream` behind the proxy. */
export function clientFacingLeg(facts: ConnectionFacts): Leg {
  return facts.connection?.mode === 'proxy' ? 'downstream' : 'direct';
}

export function requestOn(facts: ConnectionFacts, leg: Leg): Indexed<HttpRequestEvent> | undefined {
  return facts.requests.find((r) => r.leg === leg);
}

export function responseOn(facts: ConnectionFacts, leg: Leg): Indexed<HttpResponseEvent> | undefined {
  return facts.responses.find((r) => r.leg === leg);
}

/** The handshake request the client sent (falls back to any leg when the expected one is missing). */
export function clientRequest(facts: ConnectionFacts): Indexed<HttpRequestEvent> | undefined {
  return requestOn(facts, clientFacingLeg(facts)) ?? facts.requests[0];
}

/** The handshake response the client received (falls back to any leg). */
export function clientResponse(facts: ConnectionFacts): Indexed<HttpResponseEvent> | undefined {
  return responseOn(facts, clientFacingLeg(facts)) ?? facts.responses[0];
}

/** When the WebSocket became open: the `open` record, else a 101 response. */
export function openedT(facts: ConnectionFacts): number | undefined {
  if (facts.open) return facts.open.t;
  const switched = facts.responses.find((r) => r.head.status === 101);
  return switched?.t;
}

export function isCloseFrame(e: FrameEvent): boolean {
  return e.frame.opcode === 0x8;
}
