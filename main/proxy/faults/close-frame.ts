import { randomBytes } from 'node:crypto';

/**
 * A close frame with `code` and `reason`: unmasked as a server sends it (towards the client), masked with a fresh
 * key as a client must (towards the server, RFC 6455 §5.3).
 */
export function closeFrame(code: number, reason: string, masked: boolean): Buffer {
  const reasonBytes = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  const head = Buffer.from([0x88, (masked ? 0x80 : 0) | payload.length]);
  if (!masked) return Buffer.concat([head, payload]);
  const key = randomBytes(4);
  for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ key[i % 4]!;
  return Buffer.concat([head, key, payload]);
}
