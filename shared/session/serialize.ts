import type { CaptureEvent } from '../model/events.js';
import type { Session, SessionHeader } from '../model/session.js';
import { SESSION_FORMAT, SESSION_VERSION } from '../model/session.js';

export function createSessionHeader(startedAt: number, producer: string): SessionHeader {
  return { format: SESSION_FORMAT, version: SESSION_VERSION, startedAt, producer };
}

/** One JSON Lines line (with its trailing newline). */
export function serializeHeader(header: SessionHeader): string {
  return JSON.stringify(header) + '\n';
}

export function serializeEvent(event: CaptureEvent): string {
  return JSON.stringify(event) + '\n';
}

export function serializeSession(session: Session): string {
  return serializeHeader(session.header) + session.events.map(serializeEvent).join('');
}
