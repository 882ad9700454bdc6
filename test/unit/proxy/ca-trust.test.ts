import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CertificateAuthority } from '../../../main/proxy/ca-store.js';
import {
  TRUST_CERTIFICATE,
  USE_CHROMIUM_RESULT,
  trustOnlyInspectorCa,
} from '../../../main/proxy/ca-trust.js';

const dirs: string[] = [];
const newCa = (): Promise<CertificateAuthority> => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-ca-trust-'));
  dirs.push(dir);
  return CertificateAuthority.loadOrCreate(dir);
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the inspected browser session trusts the inspector CA and nothing more', () => {
  it('trusts a leaf the CA made for that host, and leaves everything else to Chromium', async () => {
    const [ours, theirs] = await Promise.all([newCa(), newCa()]);
    const verdict = trustOnlyInspectorCa(ours.certPem);

    expect(verdict(ours.leafFor('app.example.test').certPem, 'app.example.test')).toBe(TRUST_CERTIFICATE);
    expect(verdict(ours.leafFor('127.0.0.1').certPem, '127.0.0.1')).toBe(TRUST_CERTIFICATE);
    // Same CA, another host: a leaf must not vouch for a name it does not carry.
    expect(verdict(ours.leafFor('app.example.test').certPem, 'bank.example.test')).toBe(USE_CHROMIUM_RESULT);
    // Another CA's leaf (e.g. another machine's inspector), the CA itself, garbage.
    expect(verdict(theirs.leafFor('app.example.test').certPem, 'app.example.test')).toBe(USE_CHROMIUM_RESULT);
    expect(verdict('-----BEGIN CERTIFICATE-----\nnot a certificate\n', 'app.example.test')).toBe(
      USE_CHROMIUM_RESULT,
    );
  }, 120_000);
});
