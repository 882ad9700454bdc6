export { parseSession } from './parse.js';
export { createSessionHeader, serializeEvent, serializeHeader, serializeSession } from './serialize.js';
