/// <reference lib="webworker" />
import type { SocketWorkerCommand, SocketWorkerEvent } from './socket-worker-protocol.js';

/**
 * Holds the bridge's WebSocket off the page's main thread. The browser hands a WebSocket's data to the thread that
 * owns it only as fast as that thread takes it, a pipe-full at a time; on a page busy rendering a flood, that throttled
 * the bridge to a fraction of what the page could ingest. This thread only ever waits for the socket.
 */
let socket: WebSocket | null = null;
const post = (event: SocketWorkerEvent): void => postMessage(event);

onmessage = ({ data: command }: MessageEvent<SocketWorkerCommand>) => {
  switch (command.type) {
    case 'open': {
      const opened = new WebSocket(command.url);
      socket = opened;
      opened.onopen = () => post({ type: 'open' });
      opened.onmessage = (event) => post({ type: 'message', data: event.data });
      opened.onerror = () => post({ type: 'error' });
      opened.onclose = () => post({ type: 'close' });
      break;
    }
    case 'send':
      socket?.send(command.data);
      break;
    case 'close':
      socket?.close(command.code, command.reason);
      break;
  }
};
