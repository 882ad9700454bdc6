import type { TlsSummary } from './handshake.js';

/** A TLS summary in words, for the terminal and the handshake view. */
export interface TlsText {
  /** "TLSv1.3 · TLS_AES_256_GCM_SHA384 · ALPN http/1.1". */
  negotiated: string;
  /** "CN=example.com, issued by CN=R3, O=Let's Encrypt, valid until 2027-01-01" (absent: no certificate seen). */
  certificate?: string;
  /** "trusted for example.com", or why not and that it was accepted anyway. */
  trust: string;
}

export function describeTls(tls: TlsSummary): TlsText {
  const cert = tls.certificate;
  return {
    negotiated: [tls.protocol, tls.cipher, ...(tls.alpn ? [`ALPN ${tls.alpn}`] : [])].join(' · '),
    ...(cert
      ? {
          certificate: `${cert.subject}, issued by ${cert.issuer}, valid ${cert.validFrom.slice(0, 10)} to ${cert.validTo.slice(0, 10)}${cert.subjectAltName ? ` (${cert.subjectAltName})` : ''}`,
        }
      : {}),
    trust: tls.authorized
      ? `trusted for ${tls.servername}`
      : `NOT trusted for ${tls.servername}: ${tls.authorizationError ?? 'unknown reason'} (accepted because invalid certificates were allowed)`,
  };
}

/** What was negotiated and whether it was trusted, in one line ("TLSv1.3 · … ; trusted for example.com"). */
export const tlsHeadline = (text: TlsText): string => `${text.negotiated}; ${text.trust}`;

/** The summary as labelled report lines, `tls: …` then `certificate: …` when one was seen (wsi output). */
export function tlsReportLines(tls: TlsSummary): string[] {
  const text = describeTls(tls);
  return [`tls: ${tlsHeadline(text)}`, ...(text.certificate ? [`certificate: ${text.certificate}`] : [])];
}
