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

/** Lines made where a record was built (the capture worker), for records that reach the writer unchanged. */
const serialized = new WeakMap<CaptureEvent, string>();

/** `line` is `serializeEvent(event)` made elsewhere; a changed copy of `event` is a new object and is serialized anew. */
export function rememberSerialized(event: CaptureEvent, line: string): void {
  serialized.set(event, line);
}

export function serializeEvent(event: CaptureEvent): string {
  return serialized.get(event) ?? JSON.stringify(event) + '\n';
}

export function serializeSession(session: Session): string {
  return serializeHeader(session.header) + session.events.map(serializeEvent).join('');
}
