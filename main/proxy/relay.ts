import type net from 'node:net';
import type { Direction, Side } from '../../shared/model/wire.js';
import type { ProxyLeg } from './capture.js';
import { RelayPipe } from './relay-pipe.js';

/**
 * Taps the relay calls with every chunk, synchronously; they must not block (see TapQueue). They record the
 * downstream leg: c2s as read from the client, s2c as written to the client (so injected frames are recorded).
 */
export interface RelayTaps {
  c2s?: (chunk: Buffer) => void;
  s2c?: (chunk: Buffer) => void;
}

export interface RelayEvents {
  /** `side` sent FIN (kind 'fin') or reset / failed (kind 'rst') on its leg. */
  tcp(leg: ProxyLeg, kind: 'fin' | 'rst', side: Side): void;
  error(leg: ProxyLeg, code: string, message: string, side: Side): void;
  /** Both sockets are closed. Called once. */
  closed(): void;
}

/** What fault injection works with: both pipes and sockets, and a way to take one side out of the relay. */
export interface RelayHandle {
  readonly pipes: Record<Direction, RelayPipe>;
  socket(side: Side): net.Socket;
  /** The pipe whose destination is `side`. */
  pipeTo(side: Side): RelayPipe;
  pipeFrom(side: Side): RelayPipe;
  /**
   * The inspector ends `side` itself: nothing more is relayed to or from it and its FIN/reset is not passed on; the
   * other side's FIN is answered with a FIN so it can finish.
   */
  cut(side: Side): void;
  isCut(side: Side): boolean;
  /** performance.now() of the last bytes read from either side. */
  lastActivityAt(): number;
  readonly closed: boolean;
}

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Pipes raw bytes both ways between the client and the upstream socket, exactly as received, honouring
 * backpressure. FIN is passed on as FIN (half-close), a reset as a reset, so each end sees what the other did.
 */
export function relay(
  client: net.Socket,
  upstream: net.Socket,
  taps: RelayTaps,
  events: RelayEvents,
): RelayHandle {
  let open = 2;
  const cut = { client: false, server: false };
  const pipes: Record<Direction, RelayPipe> = {
    c2s: new RelayPipe(client, upstream, taps.c2s ? { received: taps.c2s } : {}),
    s2c: new RelayPipe(upstream, client, taps.s2c ? { delivered: taps.s2c } : {}),
  };
  const handle: RelayHandle = {
    pipes,
    socket: (side) => (side === 'client' ? client : upstream),
    pipeTo: (side) => (side === 'client' ? pipes.s2c : pipes.c2s),
    pipeFrom: (side) => (side === 'client' ? pipes.c2s : pipes.s2c),
    cut: (side) => {
      cut[side] = true;
      pipes.c2s.discard();
      pipes.s2c.discard();
    },
    isCut: (side) => cut[side],
    lastActivityAt: () => Math.max(pipes.c2s.lastReceivedAt, pipes.s2c.lastReceivedAt),
    closed: false,
  };
  const onClosed = (): void => {
    if (--open > 0) return;
    (handle as { closed: boolean }).closed = true;
    pipes.c2s.dispose();
    pipes.s2c.dispose();
    events.closed();
  };

  const wire = (pipe: RelayPipe, leg: ProxyLeg, side: Side): void => {
    const { from, to } = pipe;
    const other: Side = side === 'client' ? 'server' : 'client';
    let sawEnd = false;
    from.on('data', (chunk: Buffer) => pipe.accept(chunk));
    from.on('end', () => {
      sawEnd = true;
      events.tcp(leg, 'fin', side);
      if (cut[other] && !cut[side] && !from.destroyed && !from.writableEnded) from.end();
      if (cut[side] || cut[other]) return;
      pipe.acceptEnd();
    });
    from.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'ERROR';
      if (RESET_CODES.has(code)) events.tcp(leg, 'rst', side);
      else events.error(leg, code, err.message, side);
    });
    const onClose = (hadError: boolean): void => {
      // A reset or error on one side is passed on as a reset; a clean close after FIN needs nothing more.
      if ((hadError || !sawEnd) && !to.destroyed && !cut[side] && !cut[other]) {
        pipe.discard();
        resetOrDestroy(to);
      }
      onClosed();
    };
    if (from.destroyed) {
      // It went away while the handshake was in flight: its 'close' has already been emitted.
      events.tcp(leg, 'rst', side);
      queueMicrotask(() => onClose(true));
    } else {
      from.on('close', onClose);
    }
  };

  wire(pipes.c2s, 'downstream', 'client');
  wire(pipes.s2c, 'upstream', 'server');
  client.resume();
  upstream.resume();
  return handle;
}

/** Sends a TCP RST where the socket allows it (plain TCP); TLS sockets can only be destroyed. */
export function resetOrDestroy(socket: net.Socket): void {
  try {
    if (!socket.connecting) return void socket.resetAndDestroy();
  } catch {
    // ERR_INVALID_HANDLE_TYPE: not a TCP handle.
  }
  socket.destroy();
}
