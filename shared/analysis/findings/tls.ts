import type { HttpResponseEvent } from '../../model/events.js';
import type { TlsSummary } from '../../model/handshake.js';
import type { Indexed } from '../connection-facts.js';
import type { ConnectionRule, FindingInput } from './context.js';
import { handshakeRef } from './context.js';

const DAY_MS = 86_400_000;
/** A certificate this close to its end is reported (renewals that fail usually fail quietly until the last day). */
export const CERTIFICATE_EXPIRY_WARNING_DAYS = 14;

type TlsResponse = Indexed<HttpResponseEvent> & { tls: TlsSummary };
const withTls = (responses: Indexed<HttpResponseEvent>[]): TlsResponse[] =>
  responses.filter((r): r is TlsResponse => r.tls !== undefined);

/** Whose certificate it was, to start a sentence. */
const whose = (r: HttpResponseEvent): string =>
  r.leg === 'upstream'
    ? "The upstream server's"
    : r.leg === 'downstream'
      ? "The inspector's"
      : "The server's";

/** Node's verification codes, in words, with what fixes each. */
const UNTRUSTED_REASONS: Record<string, { why: string; fix: string }> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: {
    why: 'it is self-signed',
    fix: 'Serve a certificate issued by a CA the clients trust (a public CA such as Let’s Encrypt); for a test setup, add the self-signed certificate to the clients’ trust store instead.',
  },
  SELF_SIGNED_CERT_IN_CHAIN: {
    why: 'its chain ends in a root the clients do not trust',
    fix: 'Use a certificate from a publicly trusted CA, or add that root CA to the clients’ trust store (private PKI).',
  },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: {
    why: 'its issuer is unknown: the server sent no intermediate certificate, or the CA is not trusted',
    fix: 'Configure the server to send the full chain (leaf + intermediates: nginx `ssl_certificate` pointing at the fullchain file), or trust the issuing CA in the clients.',
  },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: {
    why: 'its issuer is not in the trust store',
    fix: 'Send the intermediate certificates with the leaf, or trust the issuing CA in the clients.',
  },
  CERT_HAS_EXPIRED: {
    why: 'it has expired',
    fix: 'Renew the certificate and reload the server (check that automatic renewal runs and that the server picks up the new file).',
  },
  ERR_TLS_CERT_ALTNAME_INVALID: {
    why: 'it does not name the host that was asked for',
    fix: 'Use a certificate whose subjectAltName covers the host name clients connect to (or connect by a name it covers).',
  },
};

export const untrustedCertificate: ConnectionRule = ({ facts }) =>
  withTls(facts.responses)
    .filter((r) => !r.tls.authorized)
    .map((r): FindingInput => {
      const code = r.tls.authorizationError ?? 'unknown';
      const reason = UNTRUSTED_REASONS[code];
      const cert = r.tls.certificate;
      return {
        id: 'tls.untrusted',
        severity: 'warning',
        title: `Certificate not trusted for ${r.tls.servername}, accepted anyway`,
        detail:
          `${whose(r)} certificate` +
          (cert ? ` (${cert.subject}, issued by ${cert.issuer})` : '') +
          ` failed verification for ${r.tls.servername}: ${code}${reason ? `, ${reason.why}` : ''}. ` +
          'The connection worked only because invalid certificates were accepted; a client that verifies ' +
          '(a browser, a production app) fails this handshake.',
        evidence: [handshakeRef(r.index, 'TLS')],
        fix: reason?.fix ?? 'Serve a certificate the clients trust, for the host name they connect to.',
      };
    });

export const certificateExpiring: ConnectionRule = ({ facts }) => {
  const started = facts.connection;
  if (!started) return [];
  return withTls(facts.responses).flatMap((r): FindingInput[] => {
    const cert = r.tls.certificate;
    const validTo = cert ? Date.parse(cert.validTo) : NaN;
    if (!cert || Number.isNaN(validTo)) return [];
    const seenAt = started.at + (r.t - started.t);
    const daysLeft = (validTo - seenAt) / DAY_MS;
    // Already expired is a verification failure (CERT_HAS_EXPIRED), reported as tls.untrusted.
    if (daysLeft <= 0 || daysLeft > CERTIFICATE_EXPIRY_WARNING_DAYS) return [];
    const days = daysLeft < 1 ? 'less than a day' : `${Math.floor(daysLeft)} day${daysLeft < 2 ? '' : 's'}`;
    return [
      {
        id: 'tls.expiring',
        severity: 'warning',
        title: `Certificate for ${r.tls.servername} expires in ${days}`,
        detail: `${whose(r)} certificate (${cert.subject}) is valid until ${cert.validTo}, ${days} after this handshake. From then on every verifying client fails the TLS handshake (CERT_HAS_EXPIRED) and no WebSocket opens.`,
        evidence: [handshakeRef(r.index, 'TLS')],
        fix: 'Renew the certificate now and reload the server; if renewal is automatic (certbot, cert-manager), check why it has not happened yet.',
      },
    ];
  });
};

export const tlsRules: ConnectionRule[] = [untrustedCertificate, certificateExpiring];
