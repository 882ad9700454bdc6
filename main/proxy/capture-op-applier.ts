import type { CaptureEvent } from '../../shared/model/events.js';
import { ConnectionRecorder } from '../capture/connection-recorder.js';
import type { ProtocolStages } from '../capture/protocol-stages.js';
import type { CaptureOp } from './capture-worker-protocol.js';
import type { ProxyCapture } from './capture.js';
import { recorderCapture } from './recorder-capture.js';

/** The open op with what the recorder needs beyond the record (payload limits, the session's wall clock). */
export type ApplierOpenOp = Extract<CaptureOp, { k: 'open' }> & { maxStoredPayload?: number };

export interface ApplierSink {
  event(event: CaptureEvent): void;
  /** A full payload the recorder kept (records carry `ref` to it). */
  payload?(conn: string, ref: string, bytes: Uint8Array): void;
}

/**
 * Turns capture ops (heads, stream bytes, TCP facts, faults, ends) into records with one ConnectionRecorder per
 * connection: what a capture worker does with what the relay thread reports, and what reading a raw capture file
 * back does.
 */
export class CaptureOpApplier {
  private readonly connections = new Map<
    string,
    { capture: ProxyCapture; client?: ConnectionRecorder; at: { now: number } }
  >();

  constructor(
    private readonly stages: ProtocolStages,
    private readonly sink: ApplierSink,
  ) {}

  has(conn: string): boolean {
    return this.connections.has(conn);
  }

  /**
   * `withConnectionRecord`: the recorder's own `connection` record goes to the sink (false where the relay thread's
   * session already made it).
   */
  open(op: ApplierOpenOp, withConnectionRecord: boolean): void {
    const maxPayload = op.maxStoredPayload ?? 0;
    const at = { now: op.at };
    const sink = this.sink;
    const client = op.mode === 'client';
    const recorder = new ConnectionRecorder({
      conn: op.conn,
      mode: op.mode ?? 'proxy',
      url: op.url,
      ...(op.peer !== undefined ? { peer: op.peer } : {}),
      ...(op.target !== undefined ? { target: op.target } : {}),
      ...(op.options ? { options: op.options } : {}),
      ...(op.link ? { link: op.link } : {}),
      leg: client ? 'direct' : 'downstream',
      clock: { startedAt: op.startedAt, now: () => at.now },
      emit: (event) => {
        if (withConnectionRecord || event.type !== 'connection') sink.event(event);
      },
      stages: this.stages,
      ...(op.maxCapturedPayload !== undefined ? { maxCapturedPayload: op.maxCapturedPayload } : {}),
      ...(op.previewRateLimit !== undefined ? { previewRateLimit: op.previewRateLimit } : {}),
      ...(maxPayload > 0 && sink.payload
        ? {
            payloads: {
              maxPayload,
              keep: (conn: string, ref: string, bytes: Uint8Array) => {
                sink.payload?.(conn, ref, bytes);
                return true;
              },
            },
          }
        : {}),
    });
    this.connections.set(op.conn, {
      capture: recorderCapture(recorder),
      ...(client ? { client: recorder } : {}),
      at,
    });
  }

  /** Applies one op; ops of unknown connections are ignored. Never throws for the op's content. */
  apply(op: CaptureOp): void {
    if (op.k === 'open') return this.open(op, false);
    const connection = this.connections.get(op.conn);
    if (!connection) return;
    connection.at.now = op.at;
    if (connection.client) return this.applyClient(connection.client, op);
    const { capture } = connection;
    switch (op.k) {
      case 'req':
        return capture.requestHead(op.leg, op.head);
      case 'res':
        return capture.responseHead(
          op.leg,
          op.head,
          op.timing,
          op.body ? Buffer.from(op.body) : undefined,
          op.tls,
        );
      case 'bytes':
        return capture
          .stream(op.dir)
          .bytes(Buffer.from(op.data.buffer, op.data.byteOffset, op.data.length), op.at);
      case 'dropped': {
        const stream = capture.stream(op.dir);
        return op.lost
          ? (stream.lost ?? stream.dropped)(op.frames, op.bytes)
          : stream.dropped(op.frames, op.bytes);
      }
      case 'tcp':
        return capture.tcp(op.leg ?? 'downstream', op.kind, op.side);
      case 'error':
        return capture.error(op.leg, op.code, op.message, op.side);
      case 'fault':
        return capture.fault(op.fault);
      case 'end':
        capture.end();
        this.connections.delete(op.conn);
        return;
    }
  }

  /** A client connection's ops: its bytes are the one leg there is, the rest is what ClientConnection reports. */
  private applyClient(recorder: ConnectionRecorder, op: Exclude<CaptureOp, { k: 'open' }>): void {
    switch (op.k) {
      case 'bytes':
        return recorder.onBytes(op.dir, Buffer.from(op.data.buffer, op.data.byteOffset, op.data.length));
      case 'tcp':
        return recorder.tcp(op.kind, op.side);
      case 'error':
        return recorder.error(op.code, op.message, op.side);
      case 'mark':
        return recorder.mark(op.phase);
      case 'tls':
        return recorder.tlsEstablished(op.tls);
      case 'action':
        return recorder.action(op.action, op.detail);
      case 'end':
        recorder.end();
        this.connections.delete(op.conn);
        return;
      default:
        return;
    }
  }

  /** Ends every connection still open (the capture stopped under them), in the order they opened. */
  endAll(at: number): void {
    for (const conn of [...this.connections.keys()]) this.apply({ k: 'end', conn, at });
  }
}
