import type { Session } from '../model/session.js';

/**
 * Wall clock (epoch ms) at the session's monotonic origin: the header's startedAt, or, when the header lacks it, the
 * first connection record's `at - t`. 0 when neither is known.
 */
export function sessionOrigin(session: Session): number {
  if (session.header.startedAt > 0) return session.header.startedAt;
  for (const event of session.events) {
    if (event.type === 'connection' && Number.isFinite(event.at) && event.at > 0) return event.at - event.t;
  }
  return 0;
}

export const epochSeconds = (origin: number, t: number): number => (origin + t) / 1000;
