import { X509Certificate } from 'node:crypto';

/** Chromium's certificate verify-proc results: 0 trusts the certificate, -3 defers to Chromium's own verification. */
export const TRUST_CERTIFICATE = 0;
export const USE_CHROMIUM_RESULT = -3;
export type CertificateVerdict = typeof TRUST_CERTIFICATE | typeof USE_CHROMIUM_RESULT;

/**
 * The verify proc of a browser session that trusts the inspector's CA and nothing more: a certificate is trusted
 * only if the CA issued it, it names the host asked for, and it is valid now. Anything else gets Chromium's own
 * verdict, so a real site seen through the pass-through list is verified as usual.
 */
export function trustOnlyInspectorCa(
  caPem: string,
): (certificate: string | Buffer, hostname: string) => CertificateVerdict {
  const ca = new X509Certificate(caPem);
  return (certificate, hostname) => {
    try {
      const leaf = new X509Certificate(certificate);
      const now = Date.now();
      const current = Date.parse(leaf.validFrom) <= now && now <= Date.parse(leaf.validTo);
      const forHost = leaf.checkHost(hostname) !== undefined || leaf.checkIP(hostname) !== undefined;
      return leaf.verify(ca.publicKey) && current && forHost ? TRUST_CERTIFICATE : USE_CHROMIUM_RESULT;
    } catch {
      return USE_CHROMIUM_RESULT;
    }
  };
}
