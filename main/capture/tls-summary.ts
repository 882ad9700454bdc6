import { checkServerIdentity, type TLSSocket } from 'node:tls';
import type { CertificateSummary, TlsSummary } from '../../shared/model/handshake.js';

/** "CN=example.com\nO=Example" (Node's X509Certificate) → "CN=example.com, O=Example". */
const distinguishedName = (text: string): string => text.split('\n').filter(Boolean).join(', ');

const isoDate = (text: string): string => {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? text : new Date(ms).toISOString();
};

function certificateOf(socket: TLSSocket): CertificateSummary | undefined {
  const cert = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    validFrom: isoDate(cert.validFrom),
    validTo: isoDate(cert.validTo),
    ...(cert.subjectAltName ? { subjectAltName: cert.subjectAltName } : {}),
    fingerprint256: cert.fingerprint256,
  };
}

/**
 * What a client-side TLS socket negotiated, once connected. `servername` is the host the certificate should name.
 * With invalid certificates accepted, Node's `authorized` only covers the chain: the host name is checked here too.
 */
export function tlsSummary(socket: TLSSocket, servername: string): TlsSummary {
  const cipher = socket.getCipher();
  const certificate = certificateOf(socket);
  let authorizationError = socket.authorized
    ? undefined
    : String(
        (socket.authorizationError as unknown as { code?: string } | undefined)?.code ??
          socket.authorizationError,
      );
  if (authorizationError === undefined) {
    const peer = socket.getPeerCertificate();
    const mismatch = peer && Object.keys(peer).length > 0 ? checkServerIdentity(servername, peer) : undefined;
    if (mismatch) authorizationError = (mismatch as Error & { code?: string }).code ?? mismatch.message;
  }
  return {
    protocol: socket.getProtocol() ?? 'unknown',
    cipher: cipher.standardName || cipher.name,
    ...(typeof socket.alpnProtocol === 'string' ? { alpn: socket.alpnProtocol } : {}),
    servername,
    authorized: authorizationError === undefined,
    ...(authorizationError !== undefined ? { authorizationError } : {}),
    ...(certificate ? { certificate } : {}),
  };
}
