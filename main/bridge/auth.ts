import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function createToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first makes both sides the same length so the length does not leak either. */
export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/**
 * Decides which Host headers and Origins the bridge accepts. Bound to a concrete address, only that address (and
 * `localhost` for 127.0.0.1) is answered, which defeats DNS rebinding. Bound to a wildcard (only when explicitly
 * asked), any Host is answered but the Origin must still be the page's own origin.
 */
export function createOriginPolicy(host: string, port: number) {
  const wildcard = WILDCARD_HOSTS.has(host);
  const hosts = new Set([`${host.includes(':') ? `[${host}]` : host}:${port}`]);
  if (host === '127.0.0.1') hosts.add(`localhost:${port}`);
  return {
    hostAllowed(hostHeader: string | undefined): boolean {
      if (!hostHeader) return false;
      return wildcard || hosts.has(hostHeader.toLowerCase());
    },
    originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
      if (!origin || !hostHeader || !this.hostAllowed(hostHeader)) return false;
      return origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
    },
  };
}
