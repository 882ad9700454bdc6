/** Messages between the page and the worker that holds the bridge's WebSocket (socket-worker.ts). */
export type SocketWorkerCommand =
  | { type: 'open'; url: string }
  | { type: 'send'; data: string }
  | { type: 'close'; code?: number; reason?: string };

export type SocketWorkerEvent =
  { type: 'open' } | { type: 'message'; data: unknown } | { type: 'error' } | { type: 'close' };
