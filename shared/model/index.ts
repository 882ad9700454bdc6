export * from './events.js';
export * from './frame.js';
export * from './handshake.js';
export * from './session.js';
export * from './time.js';
export * from './wire.js';
export * from './finding.js';
export * from './fault.js';
