import type { ConnectionId } from '../../shared/model/events.js';
import type { Direction, Side } from '../../shared/model/wire.js';
import type { ConnectionRecorder } from '../capture/connection-recorder.js';
import type { RingProducer } from '../capture/ring/ring-producer.js';
import type { RingFact } from '../capture/ring/ring-facts.js';
import type { ProxySession } from '../core/proxy-controller.js';
import type { ClientIdentity, ClientRecorder, ClientRecorderFactory } from './client-recorder.js';

type Args<K extends keyof ConnectionRecorder> = ConnectionRecorder[K] extends (...args: infer A) => unknown
  ? A
  : never;

/**
 * A client connection recorded by the capture worker, as proxied connections are: its socket's bytes and facts go
 * into the session thread's capture ring, and the worker parses them into records (and writes the session file).
 * Nothing is parsed on this thread.
 */
export class ClientRingRecorder implements ClientRecorder {
  readonly conn: ConnectionId;
  private readonly n: number;
  private ended = false;

  constructor(
    private readonly producer: RingProducer,
    open: Extract<RingFact, { k: 'open' }>,
  ) {
    this.conn = open.id;
    this.n = producer.openConnection(open, producer.at());
  }

  onBytes(dir: Direction, chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    this.producer.bytes(this.n, dir, chunk, this.producer.at(), undefined);
  }

  mark(...[phase]: Args<'mark'>): void {
    this.fact({ k: 'mark', phase });
  }

  tlsEstablished(...[tls]: Args<'tlsEstablished'>): void {
    this.fact({ k: 'tls', tls });
  }

  tcp(kind: 'connect' | 'fin' | 'rst', side: Side): void {
    this.fact({ k: 'tcp', kind, side });
  }

  error(code: string, message: string, side?: Side): void {
    this.fact({ k: 'error', code, message, ...(side ? { side } : {}) });
  }

  action(...[action, detail]: Args<'action'>): void {
    this.fact({ k: 'action', action, ...(detail ? { detail } : {}) });
  }

  /** Idempotent, like ConnectionRecorder.end. */
  end(): void {
    this.fact({ k: 'end' });
    this.ended = true;
  }

  private fact(fact: RingFact): void {
    if (!this.ended) this.producer.fact(this.n, fact);
  }
}

/** Client recorders writing into `producer`'s ring, with the session's preview and payload limits. */
export function clientRingRecorders(
  producer: RingProducer,
  session: ProxySession,
  maxStoredPayload: number,
): ClientRecorderFactory {
  return (identity: ClientIdentity) =>
    new ClientRingRecorder(producer, {
      k: 'open',
      id: identity.conn,
      mode: 'client',
      url: identity.url,
      ...(identity.options ? { options: identity.options } : {}),
      ...(identity.link ? { link: identity.link } : {}),
      startedAt: session.startedAt,
      ...(session.maxCapturedPayload !== undefined ? { maxCapturedPayload: session.maxCapturedPayload } : {}),
      ...(session.previewRateLimit !== undefined ? { previewRateLimit: session.previewRateLimit } : {}),
      ...(maxStoredPayload > 0 ? { maxStoredPayload } : {}),
    });
}
