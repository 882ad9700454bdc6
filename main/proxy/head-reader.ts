import type { Duplex } from 'node:stream';
import { findHeadEnd } from './http-head.js';

export interface HeadReadOptions {
  /** Largest head accepted; more bytes without a blank line fail the read. */
  maxBytes?: number;
  /** Fails the read when no complete head arrived within this time. 0 = no limit. */
  timeoutMs?: number;
}

export type HeadReadResult =
  | { ok: true; head: Buffer; rest: Buffer; at: number }
  | { ok: false; reason: 'closed' | 'too-large' | 'timeout' | 'error'; message: string; received: Buffer };

/**
 * Reads one HTTP head from a socket without consuming anything after it: bytes past the blank line come back as
 * `rest`. The socket is left paused with no data listener, so the caller decides who reads next.
 */
export function readHead(socket: Duplex, options: HeadReadOptions = {}): Promise<HeadReadResult> {
  const maxBytes = options.maxBytes ?? 64 * 1024;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (result: HeadReadResult): void => {
      if (timer) clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onEnd);
      socket.pause();
      resolve(result);
    };
    const received = (): Buffer => Buffer.concat(chunks, size);
    const onData = (chunk: Buffer): void => {
      const searchFrom = size;
      chunks.push(chunk);
      size += chunk.length;
      const all = chunks.length === 1 ? chunk : received();
      const end = findHeadEnd(all, searchFrom);
      if (end !== -1) {
        finish({ ok: true, head: all.subarray(0, end), rest: all.subarray(end), at: performance.now() });
      } else if (size > maxBytes) {
        finish({
          ok: false,
          reason: 'too-large',
          message: `HTTP head larger than ${maxBytes} bytes`,
          received: all,
        });
      } else if (chunks.length > 1) {
        chunks.length = 0;
        chunks.push(all);
      }
    };
    const onEnd = (): void =>
      finish({
        ok: false,
        reason: 'closed',
        message: 'connection closed before a complete HTTP head',
        received: received(),
      });
    const onError = (err: Error): void =>
      finish({ ok: false, reason: 'error', message: err.message, received: received() });
    if (options.timeoutMs) {
      timer = setTimeout(
        () =>
          finish({
            ok: false,
            reason: 'timeout',
            message: `no complete HTTP head within ${options.timeoutMs} ms`,
            received: received(),
          }),
        options.timeoutMs,
      );
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.resume();
  });
}
