import type net from 'node:net';
import type { Side } from '../../shared/model/wire.js';
import type { ProxyLeg } from './capture.js';

/** Taps the relay calls with every chunk, synchronously; they must not block (see TapQueue). */
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

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/**
 * Pipes raw bytes both ways between the client and the upstream socket, exactly as received, honouring
 * backpressure. FIN is passed on as FIN (half-close), a reset as a reset, so each end sees what the other did.
 */
export function relay(client: net.Socket, upstream: net.Socket, taps: RelayTaps, events: RelayEvents): void {
  let open = 2;
  const onClosed = (): void => {
    if (--open === 0) events.closed();
  };

  const pipe = (
    from: net.Socket,
    to: net.Socket,
    tap: ((chunk: Buffer) => void) | undefined,
    leg: ProxyLeg,
    side: Side,
  ): void => {
    let sawEnd = false;
    from.on('data', (chunk: Buffer) => {
      // Forward first: the tap's work never sits between a byte's arrival and its departure.
      if (!to.write(chunk)) from.pause();
      if (tap) tap(chunk);
    });
    to.on('drain', () => from.resume());
    from.on('end', () => {
      sawEnd = true;
      events.tcp(leg, 'fin', side);
      if (!to.destroyed) to.end();
    });
    from.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? 'ERROR';
      if (RESET_CODES.has(code)) events.tcp(leg, 'rst', side);
      else events.error(leg, code, err.message, side);
    });
    const onClose = (hadError: boolean): void => {
      // A reset or error on one side is passed on as a reset; a clean close after FIN needs nothing more.
      if ((hadError || !sawEnd) && !to.destroyed) {
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

  pipe(client, upstream, taps.c2s, 'downstream', 'client');
  pipe(upstream, client, taps.s2c, 'upstream', 'server');
  client.resume();
  upstream.resume();
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
