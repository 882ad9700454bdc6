import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../../main/proxy/ca-store.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { framesOf, ofType, record, text } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-tls-'));
let server: RunningWsServer;
let leafFingerprint: string;

beforeAll(async () => {
  // A certificate signed by a throwaway CA nobody trusts: verification fails unless `insecure`.
  const ca = await CertificateAuthority.loadOrCreate(dir);
  const leaf = ca.leafFor('127.0.0.1');
  leafFingerprint = new X509Certificate(leaf.certPem).fingerprint256;
  server = await startWsServer(
    (socket) => socket.on('message', (data) => socket.send(data, { binary: false })),
    { perMessageDeflate: false },
    leaf,
  );
}, 60_000);

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client connection over TLS', () => {
  it('with insecure: records plaintext frames from the TLS socket and the TLS phase', async () => {
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url, insecure: true });
    await rec.waitFor((e) => e.type === 'open');
    await rec.inspector.send({ conn, kind: 'text', data: 'over tls' });
    await rec.waitFor((e) => e.type === 'frame' && e.frame.dir === 's2c');
    await rec.inspector.close({ conn });
    const events = await rec.ended(conn);
    const [response] = ofType(events, 'http-response');
    expect(response?.accept).toBe('ok');
    const timing = response?.timing ?? {};
    expect(timing.tlsMs).toBeGreaterThanOrEqual(timing.tcpConnectMs ?? Infinity);
    expect(timing.requestSentMs).toBeGreaterThanOrEqual(timing.tlsMs ?? Infinity);
    // What was negotiated, the certificate the server showed, and that it was only accepted because of insecure.
    expect(response?.tls).toMatchObject({
      protocol: 'TLSv1.3',
      servername: '127.0.0.1',
      authorized: false,
      authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      certificate: {
        subject: 'CN=127.0.0.1',
        subjectAltName: 'IP Address:127.0.0.1',
        fingerprint256: leafFingerprint,
      },
    });
    expect(response?.tls?.certificate?.issuer).toMatch(/WebSocket Inspector/);
    const frames = framesOf(events);
    expect(frames.map((f) => [f.dir, f.opcode])).toEqual([
      ['c2s', 1],
      ['s2c', 1],
      ['c2s', 8],
      ['s2c', 8],
    ]);
    expect(text(frames[1]?.data ?? '')).toBe('over tls');
    await rec.inspector.dispose();
  });

  it('without insecure: records the certificate error and never sends the request', async () => {
    const rec = record();
    const { conn } = await rec.inspector.connect({ url: server.url });
    const events = await rec.ended(conn);
    const errors = ofType(events, 'error');
    expect(errors.map((e) => e.code).join(' ')).toMatch(/CERT|SIGNATURE|ISSUER/);
    expect(ofType(events, 'http-request')).toEqual([]);
    expect(ofType(events, 'open')).toEqual([]);
    await rec.inspector.dispose();
  });
});
