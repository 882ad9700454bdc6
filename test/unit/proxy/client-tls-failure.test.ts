import { describe, expect, it } from 'vitest';
import { describeClientTlsFailure } from '../../../main/proxy/client-tls-failure.js';

// Error codes and messages as Node's TLS server socket reports them (seen with curl and Chromium as clients).
const opensslMessage = (reason: string): string =>
  `80FC6C96AA7F0000:error:0A000418:SSL routines:ssl3_read_bytes:${reason}:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 48\n`;

describe('describeClientTlsFailure', () => {
  it('names a certificate alert as the client rejecting the inspector certificate', () => {
    const curl = describeClientTlsFailure(
      { code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', message: opensslMessage('tlsv1 alert unknown ca') },
      'app.example.test',
    );
    expect(curl).toEqual({
      code: 'TLS_CLIENT_REJECTED_CERT',
      message:
        'the client rejected the inspector\'s certificate for app.example.test (TLS alert "unknown ca"): it does not trust the inspector\'s CA',
    });
    const chromium = describeClientTlsFailure(
      {
        code: 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
        message: opensslMessage('sslv3 alert certificate unknown'),
      },
      'app.example.test',
    );
    expect(chromium.code).toBe('TLS_CLIENT_REJECTED_CERT');
    expect(chromium.message).toContain('"certificate unknown"');
  });

  it('says a client closed mid-handshake without an alert, and reports other TLS failures by their reason', () => {
    expect(describeClientTlsFailure(undefined, 'h.test').code).toBe('TLS_CLIENT_CLOSED_HANDSHAKE');
    // An alert about something other than the certificate is not blamed on the CA.
    const version = describeClientTlsFailure(
      {
        code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
        message: opensslMessage('tlsv1 alert protocol version'),
      },
      'h.test',
    );
    expect(version).toEqual({
      code: 'TLS_INTERCEPT_FAILED',
      message: 'TLS between the client and the inspector failed for h.test: tlsv1 alert protocol version',
    });
    expect(describeClientTlsFailure({ message: 'socket hang up' }, 'h.test').message).toBe(
      'TLS between the client and the inspector failed for h.test: socket hang up',
    );
  });
});
