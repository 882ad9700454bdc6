import type { ConnectAuth } from '../api/contract.js';
import type { HttpHeader } from '../model/handshake.js';
import { encodeUtf8 } from '../protocol/utf8.js';
import { toBase64 } from '../util/base64.js';

export interface AuthorizedRequest {
  url: string;
  headers: HttpHeader[];
}

/** Thrown when credentials cannot be applied as asked; the message is meant for the user. */
export class AuthConflictError extends TypeError {
  override name = 'AuthConflictError';
}

const hasHeader = (headers: readonly HttpHeader[], name: string): boolean =>
  headers.some((h) => h.name.toLowerCase() === name.toLowerCase());

/** `?name=value` (or `&name=value`) added to the query, before any fragment, percent-encoded. */
export function withQueryParameter(url: string, name: string, value: string): string {
  const hash = url.indexOf('#');
  const base = hash === -1 ? url : url.slice(0, hash);
  const fragment = hash === -1 ? '' : url.slice(hash);
  const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
  return `${base}${separator}${encodeURIComponent(name)}=${encodeURIComponent(value)}${fragment}`;
}

export const basicCredentials = (user: string, password: string): string =>
  `Basic ${toBase64(encodeUtf8(`${user}:${password}`))}`;

/** The URL and headers of an upgrade request with the credentials applied. Pure: the inputs are not changed. */
export function applyAuth(
  url: string,
  headers: readonly HttpHeader[],
  auth?: ConnectAuth,
): AuthorizedRequest {
  if (!auth) return { url, headers: [...headers] };
  if (auth.kind === 'query')
    return { url: withQueryParameter(url, auth.name, auth.value), headers: [...headers] };
  if (hasHeader(headers, 'Authorization')) {
    throw new AuthConflictError(`${auth.kind} auth and an Authorization header were both given: use one`);
  }
  const value = auth.kind === 'bearer' ? `Bearer ${auth.token}` : basicCredentials(auth.user, auth.password);
  if (/[\r\n\0]/.test(value)) throw new AuthConflictError('credentials must not contain line breaks or NUL');
  return { url, headers: [...headers, { name: 'Authorization', value }] };
}
