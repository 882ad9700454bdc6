import type { Socket } from 'node:net';

export interface SocketTapHandlers {
  incoming(chunk: Buffer): void;
  outgoing(chunk: Buffer): void;
}

type UnshiftFn = Socket['unshift'];

const toBuffer = (chunk: unknown, encoding: unknown): Buffer | undefined => {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string')
    return Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
  return undefined;
};

/**
 * Observe every byte a socket reads and every byte written to it, without changing what its users (node:http's
 * client parser, then ws) receive or send. Must be installed before anyone else listens for 'data'.
 *
 * Incoming: a 'data' listener. When the upgrade completes, ws pushes the bytes that followed the 101 head back with
 * `socket.unshift()`, so they are emitted again: those bytes were already seen and are skipped once.
 * Outgoing: `socket.write` is wrapped (the request head, then every frame ws writes).
 */
export function tapSocket(socket: Socket, handlers: SocketTapHandlers): void {
  let replayedBytes = 0;

  const unshift: UnshiftFn = socket.unshift.bind(socket);
  socket.unshift = ((chunk: Buffer | string, encoding?: BufferEncoding) => {
    replayedBytes += toBuffer(chunk, encoding)?.length ?? 0;
    unshift(chunk, encoding);
  }) as UnshiftFn;

  socket.on('data', (chunk: Buffer) => {
    let fresh = chunk;
    if (replayedBytes > 0) {
      const skip = Math.min(replayedBytes, chunk.length);
      replayedBytes -= skip;
      fresh = chunk.subarray(skip);
    }
    if (fresh.length > 0) handlers.incoming(fresh);
  });

  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]): boolean => {
    const bytes = toBuffer(args[0], typeof args[1] === 'string' ? args[1] : undefined);
    if (bytes && bytes.length > 0) handlers.outgoing(bytes);
    return write(...args);
  };
}
