import type { HttpRequestEvent, HttpResponseEvent } from '../../../../shared/model/events.js';
import type { ConnectionLog } from '../../store/hot-log.js';

export interface ClientHandshake {
  request?: HttpRequestEvent;
  response?: HttpResponseEvent;
}

/** The handshake as the client saw it: the direct leg, or for a proxied connection the client's (downstream) leg. */
export function clientHandshake(log: ConnectionLog | undefined): ClientHandshake {
  const found: ClientHandshake = {};
  if (!log) return found;
  // Handshake records precede the frames; stop at the first frame instead of walking a long log.
  for (const event of log.events.range(0, Math.min(log.events.length, 1000))) {
    if (event.type === 'frame') break;
    if (event.type === 'http-request' && event.leg !== 'upstream') found.request ??= event;
    if (event.type === 'http-response' && event.leg !== 'upstream') found.response ??= event;
  }
  return found;
}

export const requestLine = (event: HttpRequestEvent | undefined): string | undefined =>
  event && `${event.head.method} ${event.head.target} HTTP/${event.head.httpVersion}`;

export const statusLine = (event: HttpResponseEvent | undefined): string | undefined =>
  event && `HTTP/${event.head.httpVersion} ${event.head.status} ${event.head.statusText}`;
