import { randomBytes } from 'node:crypto';
import net from 'node:net';
import forge from 'node-forge';

export const DAY_MS = 86_400_000;
/**
 * Leaf certificates live in memory only and are made again on demand: 30 days is plenty, well under the 398 days
 * browsers accept, and a leaked one is useful for a month at most.
 */
export const LEAF_VALIDITY_DAYS = 30;

export function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

/** A leaf certificate (PEM) for `host` (DNS name or IP literal) with the given public key, signed by the CA. */
export function buildLeafCertificate(
  caCert: forge.pki.Certificate,
  caKey: forge.pki.rsa.PrivateKey,
  leafPublicKeyPem: string,
  host: string,
): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(leafPublicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + LEAF_VALIDITY_DAYS * DAY_MS);
  cert.setSubject([{ name: 'commonName', value: host.slice(0, 64) }]);
  cert.setIssuer(caCert.subject.attributes);
  const altName = net.isIP(host) ? { type: 7, ip: host } : { type: 2, value: host };
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: [altName] },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
