/** What went wrong when a client's TLS handshake with the inspector (an intercepted CONNECT tunnel) failed. */
export interface ClientTlsFailure {
  code: 'TLS_CLIENT_REJECTED_CERT' | 'TLS_CLIENT_CLOSED_HANDSHAKE' | 'TLS_INTERCEPT_FAILED';
  message: string;
}

/** OpenSSL names a received alert in the error code: ERR_SSL_TLSV1_ALERT_UNKNOWN_CA, ERR_SSL_SSLV3_ALERT_… */
const ALERT_CODE = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_(.+)$/;
/** Alerts a client sends when it does not accept the certificate it was shown (RFC 8446 §6.2). */
const CERTIFICATE_ALERTS = new Set([
  'UNKNOWN_CA',
  'CERTIFICATE_UNKNOWN',
  'BAD_CERTIFICATE',
  'UNSUPPORTED_CERTIFICATE',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_REVOKED',
  'ACCESS_DENIED',
]);

/** OpenSSL's reason out of "80FC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/…". */
function readableReason(message: string): string {
  return /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message.split('\n')[0] ?? message;
}

/**
 * Describes a failed TLS handshake between a client and the inspector for `host`. `error` is what the TLS socket
 * reported, if anything: clients that check certificates during the handshake send an alert (curl: "unknown ca",
 * Chromium: "certificate unknown"); Node's TLS 1.3 client just closes.
 */
export function describeClientTlsFailure(
  error: { code?: string; message: string } | undefined,
  host: string,
): ClientTlsFailure {
  if (!error) {
    return {
      code: 'TLS_CLIENT_CLOSED_HANDSHAKE',
      message: `the client closed the connection during the TLS handshake for ${host}, without saying why; a client that does not trust the inspector's CA can close this way`,
    };
  }
  const alert = ALERT_CODE.exec(error.code ?? '')?.[1];
  if (alert && CERTIFICATE_ALERTS.has(alert)) {
    return {
      code: 'TLS_CLIENT_REJECTED_CERT',
      message: `the client rejected the inspector's certificate for ${host} (TLS alert "${alert.toLowerCase().replace(/_/g, ' ')}"): it does not trust the inspector's CA`,
    };
  }
  return {
    code: 'TLS_INTERCEPT_FAILED',
    message: `TLS between the client and the inspector failed for ${host}: ${readableReason(error.message)}`,
  };
}
