export { parseSession } from './parse.js';
export { createSessionStreamParser } from './session-stream.js';
export type { SessionStreamBatch, SessionStreamParser } from './session-stream.js';
export { createSessionHeader, serializeEvent, serializeHeader, serializeSession } from './serialize.js';
