import type { NegotiatedExtension } from '../../../shared/model/handshake.js';
import type { MessageRecord } from '../../../shared/model/frame.js';
import type { ConnectionLog } from '../store/hot-log.js';

/** The open record is among a connection's first records; a bounded scan keeps this cheap on huge logs. */
const OPEN_RECORD_SEARCH_LIMIT = 256;

export function negotiatedDeflate(log: ConnectionLog): NegotiatedExtension | undefined {
  const end = Math.min(log.events.length, OPEN_RECORD_SEARCH_LIMIT);
  for (const event of log.events.range(0, end)) {
    if (event.type === 'open') return event.extensions.find((e) => e.name === 'permessage-deflate');
  }
  return undefined;
}

/** "1234 B on the wire → 5678 B decoded (21.7 %)" for a compressed message. */
export function compressionSummary(message: Pick<MessageRecord, 'wireSize' | 'size'>): string {
  const ratio = message.size === 0 ? 0 : (message.wireSize / message.size) * 100;
  return `${message.wireSize} B on the wire → ${message.size} B decoded (${ratio.toFixed(1)} % of decoded size)`;
}

/** The permessage-deflate parameters in words, defaults spelled out (RFC 7692 §7.1). */
export function deflateParameters(extension: NegotiatedExtension): string[] {
  const { params } = extension;
  const bits = (name: string): string => {
    const value = params[name];
    return value === undefined ? '15 (default)' : value === true ? '15 (no value)' : value;
  };
  return [
    `server_no_context_takeover: ${params.server_no_context_takeover !== undefined ? 'yes' : 'no'}`,
    `client_no_context_takeover: ${params.client_no_context_takeover !== undefined ? 'yes' : 'no'}`,
    `server_max_window_bits: ${bits('server_max_window_bits')}`,
    `client_max_window_bits: ${bits('client_max_window_bits')}`,
  ];
}
