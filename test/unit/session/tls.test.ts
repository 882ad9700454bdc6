import { describe, expect, it } from 'vitest';
import type { TlsSummary } from '../../../shared/model/handshake.js';
import { describeTls } from '../../../shared/model/tls-text.js';
import { parseSession } from '../../../shared/session/parse.js';
import { createSessionHeader, serializeHeader } from '../../../shared/session/serialize.js';

const tls: TlsSummary = {
  protocol: 'TLSv1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  alpn: 'http/1.1',
  servername: 'chat.example.test',
  authorized: false,
  authorizationError: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  certificate: {
    subject: 'CN=chat.example.test',
    issuer: 'CN=chat.example.test',
    validFrom: '2026-11-01T00:00:00.000Z',
    validTo: '2027-11-01T00:00:00.000Z',
    subjectAltName: 'DNS:chat.example.test',
    fingerprint256: 'AB:CD',
  },
};

const response = (extra: Record<string, unknown>): string =>
  JSON.stringify({
    type: 'http-response',
    conn: 'c1',
    t: 5,
    leg: 'direct',
    head: { httpVersion: '1.1', status: 101, statusText: 'Switching Protocols', headers: [], raw: '' },
    accept: 'ok',
    timing: {},
    ...extra,
  });

describe('TLS summary of a handshake', () => {
  it('reads in words: what was negotiated, the certificate, and whether it was trusted', () => {
    expect(describeTls(tls)).toEqual({
      negotiated: 'TLSv1.3 · TLS_AES_256_GCM_SHA384 · ALPN http/1.1',
      certificate:
        'CN=chat.example.test, issued by CN=chat.example.test, valid 2026-11-01 to 2027-11-01 (DNS:chat.example.test)',
      trust:
        'NOT trusted for chat.example.test: DEPTH_ZERO_SELF_SIGNED_CERT (accepted because invalid certificates were allowed)',
    });
    const { authorizationError: _, ...trusted } = { ...tls, authorized: true };
    expect(describeTls(trusted).trust).toBe('trusted for chat.example.test');
  });

  it('is read back from a session file, and a damaged one is reported instead of reaching the views', () => {
    const file = [
      serializeHeader(createSessionHeader(1, 'test')).trimEnd(),
      response({ tls }),
      response({ tls: { ...tls, certificate: { ...tls.certificate, validTo: 7 } } }),
      response({ tls: 'TLSv1.3' }),
    ].join('\n');
    const { session, problems } = parseSession(file);
    expect(session.events).toHaveLength(1);
    expect(session.events[0]?.type === 'http-response' && session.events[0].tls).toEqual(tls);
    expect(problems.map((p) => p.message)).toEqual([
      'http-response record: field "tls.certificate.validTo" must be a string, not 7; line skipped',
      'http-response record: field "tls" must be an object, not "TLSv1.3"; line skipped',
    ]);
  });
});
