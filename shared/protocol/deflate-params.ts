import type { NegotiatedExtension } from '../model/handshake.js';
import type { Direction } from '../model/wire.js';

export const PERMESSAGE_DEFLATE = 'permessage-deflate';

export function findDeflate(
  extensions: readonly NegotiatedExtension[] | undefined,
): NegotiatedExtension | undefined {
  return extensions?.find((e) => e.name.toLowerCase() === PERMESSAGE_DEFLATE);
}

/** Whether permessage-deflate was negotiated, which makes RSV1 legal on the first frame of a data message. */
export function isDeflateNegotiated(extensions: readonly NegotiatedExtension[] | undefined): boolean {
  return findDeflate(extensions) !== undefined;
}

/**
 * Whether the sender of `direction` resets its compression context after every message (RFC 7692 §7.1.1):
 * server_no_context_takeover governs server-to-client messages, client_no_context_takeover client-to-server ones.
 */
export function senderResetsContext(
  extensions: readonly NegotiatedExtension[] | undefined,
  direction: Direction,
): boolean {
  const deflate = findDeflate(extensions);
  if (!deflate) return false;
  const wanted = direction === 's2c' ? 'server_no_context_takeover' : 'client_no_context_takeover';
  return Object.keys(deflate.params).some((k) => k.toLowerCase() === wanted);
}
