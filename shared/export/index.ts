/** Exporters: recorded sessions to formats other tools read (HAR for browsers' DevTools, pcapng for Wireshark). */
export { toHar } from './har.js';
export type { HarOptions } from './har.js';
export { HarStream } from './har-stream.js';
export type { HarList, HarPiece, HarSpool } from './har-stream.js';
export type * from './har-types.js';
export { PcapngWriter, toPcapng, PCAPNG_SECTION_COMMENT } from './pcapng.js';
