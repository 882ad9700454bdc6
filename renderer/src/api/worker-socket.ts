import type { SocketLike } from './bridge-transport.js';
import { pageSocket } from './bridge-transport.js';
import type { SocketWorkerCommand, SocketWorkerEvent } from './socket-worker-protocol.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

/** Set once a socket worker failed before its socket opened: later sockets are the page's own. */
let workersFail = false;

/**
 * A WebSocket whose socket lives in a worker of its own (see socket-worker.ts); one worker per socket. Where the
 * worker cannot be started or loaded, the page's own WebSocket: slower under a flood, but connected.
 */
export function createWorkerSocket(url: string): SocketLike {
  if (workersFail) return pageSocket(url);
  let worker: Worker;
  try {
    worker = new Worker(new URL('./socket-worker.ts', import.meta.url), {
      type: 'module',
      name: 'bridge-socket',
    });
  } catch {
    workersFail = true;
    return pageSocket(url);
  }
  const command = (message: SocketWorkerCommand): void => worker.postMessage(message);
  let readyState = CONNECTING;
  const socket: SocketLike = {
    get readyState() {
      return readyState;
    },
    onopen: null,
    onclose: null,
    onerror: null,
    onmessage: null,
    send: (data) => command({ type: 'send', data }),
    close: (code, reason) =>
      command({
        type: 'close',
        ...(code !== undefined ? { code } : {}),
        ...(reason !== undefined ? { reason } : {}),
      }),
  };
  const closed = (): void => {
    if (readyState === CLOSED) return;
    readyState = CLOSED;
    worker.terminate();
    socket.onclose?.(undefined);
  };
  worker.onmessage = ({ data: event }: MessageEvent<SocketWorkerEvent>) => {
    switch (event.type) {
      case 'open':
        readyState = OPEN;
        socket.onopen?.(undefined);
        break;
      case 'message':
        socket.onmessage?.({ data: event.data });
        break;
      case 'error':
        socket.onerror?.(undefined);
        break;
      case 'close':
        closed();
        break;
    }
  };
  // A worker that fails to load or throws leaves no socket: the transport sees a close and reconnects, on the page's
  // own socket if this worker never opened one.
  worker.onerror = () => {
    if (readyState === CONNECTING) workersFail = true;
    closed();
  };
  command({ type: 'open', url });
  return socket;
}
