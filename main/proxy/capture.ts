import type {
  HandshakeTiming,
  HttpRequestHead,
  HttpResponseHead,
  TlsSummary,
} from '../../shared/model/handshake.js';
import type { InjectedFault } from '../../shared/model/fault.js';
import type { Direction, Leg, Side } from '../../shared/model/wire.js';
import type { TapConsumer } from './tap-queue.js';

/** The proxy's legs: client <-> inspector is downstream, inspector <-> server is upstream. */
export type ProxyLeg = Exclude<Leg, 'direct'>;

/**
 * What the proxy reports about one proxied connection. The relay never waits on it: heads and TCP facts are
 * reported synchronously (they are few), frame bytes arrive through a TapQueue drained off the relay's path.
 */
export interface ProxyCapture {
  /** The session's id for this connection, when the capture knows it (fault injection addresses it by this). */
  readonly conn?: string;
  requestHead(leg: ProxyLeg, head: HttpRequestHead): void;
  /**
   * `body` is the start of a non-101 response's body, as far as it arrived with the head; `tls` the leg's TLS when
   * the proxy dialled it (upstream wss://).
   */
  responseHead(
    leg: ProxyLeg,
    head: HttpResponseHead,
    timing: HandshakeTiming,
    body?: Buffer,
    tls?: TlsSummary,
  ): void;
  /** Consumers of the bytes after the heads, one per direction (c2s = client to server). */
  stream(dir: Direction): TapConsumer;
  tcp(leg: ProxyLeg, kind: 'connect' | 'fin' | 'rst', side: Side): void;
  error(leg: ProxyLeg | undefined, code: string, message: string, side?: Side): void;
  /** The proxy injected a fault on purpose. */
  fault(fault: InjectedFault): void;
  /** Both sockets are gone; no call follows. */
  end(): void;
  /**
   * Optional: the relay hands over a way to pause and resume each direction's sender, for a capture that holds
   * senders back instead of dropping when it cannot keep up.
   */
  attachFlow?(flow: { pause(dir: Direction): void; resume(dir: Direction): void }): void;
}

export interface CaptureStart {
  /** ws:// or wss:// URL of what the client asked for (as far as the proxy knows it). */
  url: string;
  /** The client's address. */
  peer: string;
  /** Where the proxy forwards to (host:port or URL). */
  target: string;
}

/** Opens the capture of one connection; called once the proxy knows the request is (or tries to be) a WebSocket. */
export type CaptureFactory = (start: CaptureStart) => ProxyCapture;

const ignore = (): void => undefined;
const ignoringConsumer: TapConsumer = { bytes: ignore, dropped: ignore, cheap: true };

/** Relays without recording anything (for tests and for measuring the relay alone). */
export const noCapture: CaptureFactory = () => ({
  requestHead: ignore,
  responseHead: ignore,
  stream: () => ignoringConsumer,
  tcp: ignore,
  error: ignore,
  fault: ignore,
  end: ignore,
});
