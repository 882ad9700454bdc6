import type { FaultDirection, FaultTarget, InjectedFault } from '../../../shared/model/fault.js';
import { ENDING_FAULTS } from '../../../shared/model/fault.js';
import type { Direction, Side } from '../../../shared/model/wire.js';
import type { RelayHandle } from '../relay.js';
import { resetOrDestroy } from '../relay.js';
import { buildFrame, closeFrame, closePayload, describeWritten } from './close-frame.js';
import type { InjectMessageRequest } from '../../../shared/api/contract.js';

/** After the inspector's FIN, how long the peer gets to close its side before the socket is destroyed. */
const FIN_GUARD_MS = 5_000;
/** After the inspector's close frame, how long it waits for the peer's reply before closing TCP anyway. */
const CLOSE_REPLY_GRACE_MS = 2_000;

const MESSAGE_OPCODES = { text: 1, json: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

const sidesOf = (target: FaultTarget): Side[] => (target === 'both' ? ['client', 'server'] : [target]);
const directionsOf = (direction: FaultDirection): Direction[] =>
  direction === 'both' ? ['c2s', 's2c'] : [direction];

/** Whole-proxy faults that watch each connection from its upgrade. */
export interface ConnectionFaultSettings {
  idleTimeoutMs?: number;
  idleDrop?: 'fin' | 'rst';
  maxLifetimeMs?: number;
}

/**
 * Injects faults into one relayed WebSocket connection and records each one (before its effects, so the session
 * shows the cause ahead of the TCP facts it produces).
 */
export class ConnectionFaults {
  private readonly timers = new Set<NodeJS.Timeout>();
  private ended = false;

  constructor(
    private readonly relay: RelayHandle,
    private readonly record: (fault: InjectedFault) => void,
  ) {}

  /** Starts the idle and lifetime watches; call once the relay runs. */
  watch(settings: ConnectionFaultSettings): void {
    const { idleTimeoutMs, maxLifetimeMs } = settings;
    if (idleTimeoutMs !== undefined) {
      const drop = settings.idleDrop ?? 'fin';
      const check = (): void => {
        const idle = performance.now() - Math.max(this.relay.lastActivityAt(), startedAt);
        if (idle >= idleTimeoutMs - 1) return this.inject({ kind: 'idle-timeout', ms: idleTimeoutMs, drop });
        this.after(idleTimeoutMs - idle, check);
      };
      const startedAt = performance.now();
      this.after(idleTimeoutMs, check);
    }
    if (maxLifetimeMs !== undefined)
      this.after(maxLifetimeMs, () => this.inject({ kind: 'max-lifetime', ms: maxLifetimeMs }));
  }

  /** Records and applies `fault`. Throws when the connection is already over. */
  inject(fault: InjectedFault): void {
    if (this.ended || this.relay.closed) throw new Error('the connection is already closed');
    this.record(fault);
    switch (fault.kind) {
      case 'fin':
      case 'rst':
        for (const side of sidesOf(fault.side)) this.drop(side, fault.kind);
        break;
      case 'close':
        this.closeWith(sidesOf(fault.side), fault.code, fault.reason ?? '');
        break;
      case 'stall':
        for (const dir of directionsOf(fault.direction)) this.relay.pipes[dir].stall(fault.ms);
        break;
      case 'resume':
        for (const dir of directionsOf(fault.direction)) this.relay.pipes[dir].resume();
        break;
      case 'latency':
        for (const dir of directionsOf(fault.direction)) this.relay.pipes[dir].setLatency(fault.ms);
        break;
      case 'idle-timeout':
        this.drop('client', fault.drop);
        this.drop('server', fault.drop);
        break;
      case 'max-lifetime':
      case 'drop-after-upgrade':
        this.drop('client', 'fin');
        this.drop('server', 'fin');
        break;
      default:
        // Applied where they act (the request head, the relay's pipes and filters); recorded here.
        break;
    }
    if (ENDING_FAULTS.has(fault.kind)) this.stopWatching();
  }

  /** Writes a message of the inspector's own into one direction at the next frame boundary, and records it. */
  injectMessage(request: Omit<InjectMessageRequest, 'conn'>): void {
    if (this.ended || this.relay.closed) throw new Error('the connection is already closed');
    const side: Side = request.direction === 'c2s' ? 'server' : 'client';
    if (this.relay.isCut(side)) throw new Error(`the ${side} side of the connection is already closed`);
    const opcode = MESSAGE_OPCODES[request.kind];
    const payload =
      request.kind === 'close'
        ? closePayload(request.code ?? 1000, request.reason ?? '')
        : request.kind === 'binary'
          ? Buffer.from(request.data ?? '', 'base64')
          : Buffer.from(request.data ?? '', 'utf8');
    const frame = buildFrame(opcode, payload, side === 'server');
    this.relay.pipes[request.direction].insertAtBoundary(frame);
    this.record({
      kind: 'inject-message',
      direction: request.direction,
      opcode,
      bytes: payload.length,
      ...(request.kind === 'close' ? { code: request.code ?? 1000 } : {}),
      written: describeWritten(frame),
    });
  }

  /** Records a fault the relay applies itself (a swallowed pong, a dropped message); ignored once the connection ended. */
  note(fault: InjectedFault): void {
    if (this.ended || this.relay.closed) return;
    this.record(fault);
  }

  /** The connection is over. */
  dispose(): void {
    this.ended = true;
    this.stopWatching();
  }

  private drop(side: Side, how: 'fin' | 'rst'): void {
    const socket = this.relay.socket(side);
    this.relay.cut(side);
    if (socket.destroyed) return;
    if (how === 'rst') return resetOrDestroy(socket);
    if (!socket.writableEnded) socket.end();
    // A peer that never answers the FIN must not keep the proxy's socket forever.
    const guard = setTimeout(() => socket.destroy(), FIN_GUARD_MS);
    guard.unref();
    socket.once('close', () => clearTimeout(guard));
  }

  /** Each side gets its close frame at its next frame boundary; only then is anything cut. */
  private closeWith(sides: Side[], code: number, reason: string): void {
    let pending = sides.length;
    const allSent = (): void => {
      for (const side of sides) this.awaitCloseReply(side);
    };
    for (const side of sides) {
      const frame = closeFrame(code, reason, side === 'server');
      this.relay.pipeTo(side).injectAtBoundary(frame, () => {
        if (--pending === 0) allSent();
      });
    }
  }

  /** As a server would: close TCP once the peer answered the close frame (or after a grace period). */
  private awaitCloseReply(side: Side): void {
    if (this.relay.isCut(side)) return;
    this.relay.cut(side);
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(grace);
      this.drop(side, 'fin');
    };
    const grace = setTimeout(finish, CLOSE_REPLY_GRACE_MS);
    grace.unref();
    this.relay.pipeFrom(side).onCloseFrame = finish;
    this.relay.socket(side).once('end', finish);
  }

  /** Runs `run` after `ms` unless the connection ended first. */
  schedule(ms: number, run: () => void): void {
    this.after(ms, run);
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.ended || this.relay.closed) return;
        try {
          run();
        } catch {
          // The connection ended meanwhile: nothing left to drop.
        }
      },
      Math.max(1, ms),
    );
    timer.unref();
    this.timers.add(timer);
  }

  private stopWatching(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
