/** Every finding id the analyzers emit; documented one by one in docs/findings.md. */
export const FINDING_IDS = [
  'connect.failed',
  'handshake.http10',
  'handshake.upgrade-lost',
  'handshake.rejected',
  'handshake.gateway-error',
  'handshake.no-response',
  'handshake.bad-accept',
  'handshake.unoffered-subprotocol',
  'handshake.unoffered-extension',
  'close.after-upgrade',
  'close.idle-drop',
  'close.abnormal',
  'close.no-reply',
  'close.code',
  'close.forbidden-code',
  'heartbeat.gap',
  'heartbeat.unanswered-ping',
  'heartbeat.slow-pong',
  'heartbeat.drift',
  'protocol.violation',
  'capture.dropped',
  'session.reconnect-storm',
  'fault.injected',
] as const;

export type FindingId = (typeof FINDING_IDS)[number];
