/** Direction of bytes on a WebSocket: client-to-server or server-to-client. */
export type Direction = 'c2s' | 's2c';
/** One end of a TCP connection. In a proxy session, the client and server are the two ends the proxy saw. */
export type Side = 'client' | 'server';

/**
 * Which HTTP/TCP leg a record belongs to. A client-mode connection has one leg, `direct`.
 * A proxied connection has `downstream` (client <-> inspector) and `upstream` (inspector <-> server).
 */
export type Leg = 'direct' | 'downstream' | 'upstream';

export const directionFrom = (side: Side): Direction => (side === 'client' ? 'c2s' : 's2c');
export const senderOf = (dir: Direction): Side => (dir === 'c2s' ? 'client' : 'server');
