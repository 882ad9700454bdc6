export { parseSession } from './parse.js';
export { createSessionLineReader, createSessionStreamParser } from './session-stream.js';
export type {
  SessionLineReader,
  SessionLineReaderOptions,
  SessionStreamBatch,
  SessionStreamParser,
} from './session-stream.js';
export { createSessionHeader, serializeEvent, serializeHeader, serializeSession } from './serialize.js';
