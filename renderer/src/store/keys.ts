import type { ConnectionId } from '../../../shared/model/events.js';

/** Where connections come from: the live core, or a session file opened read-only. */
export type SourceId = string;
/** A connection's key in the UI: source and id, because two sessions may both have a connection "c1". */
export type ConnKey = string;

export const LIVE_SOURCE: SourceId = 'live';

export const connKey = (source: SourceId, conn: ConnectionId): ConnKey => `${source}/${conn}`;
