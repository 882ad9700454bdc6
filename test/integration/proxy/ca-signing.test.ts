import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_CERT_FILE, CertificateAuthority } from '../../../main/proxy/ca-store.js';
import { buildCore } from '../cli/run-wsi.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const DAY_MS = 86_400_000;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-ca-signing-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const days = (cert: X509Certificate): number =>
  (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / DAY_MS;

describe('local CA', () => {
  it('a new CA is valid for 2 years, leaves for 30 days (+1 day of clock skew before)', async () => {
    const ca = await CertificateAuthority.loadOrCreate(path.join(dir, 'validity'));
    const caCert = new X509Certificate(readFileSync(path.join(ca.dir, CA_CERT_FILE)));
    expect(days(caCert)).toBeCloseTo(731, 0);
    expect(days(new X509Certificate(ca.leafFor('example.test').certPem))).toBeCloseTo(31, 0);
  });

  it('caches leaf contexts per host, least recently used dropped beyond the cap', async () => {
    const ca = await CertificateAuthority.loadOrCreate(path.join(dir, 'lru'));
    ca.cacheSize = 3;
    for (const host of ['a.test', 'b.test', 'c.test']) await ca.contextFor(host);
    const a = ca.contextFor('A.test');
    expect(ca.contextFor('a.test')).toBe(a);
    await ca.contextFor('d.test');
    expect(ca.cachedHosts).toEqual(['c.test', 'a.test', 'd.test']);
    await ca.close();
  });
});

describe('local CA, built (the signing worker is compiled)', () => {
  beforeAll(async () => {
    await buildCore();
  }, 300_000);

  it('signs new hosts off the calling thread: its event loop stays mostly idle while 20 leaves are signed', async () => {
    const built = (await import(path.join(root, 'build/main/proxy/ca-store.js'))) as {
      CertificateAuthority: typeof CertificateAuthority;
    };
    const ca = await built.CertificateAuthority.loadOrCreate(path.join(dir, 'built'));
    await ca.contextFor('warmup.test');
    const before = performance.eventLoopUtilization();
    await Promise.all(Array.from({ length: 20 }, (_, i) => ca.contextFor(`h${i}.test`)));
    const used = performance.eventLoopUtilization(before);
    // Signing on this thread keeps it busy all along (utilization near 1).
    expect(used.utilization).toBeLessThan(0.5);
    expect(ca.cachedHosts).toHaveLength(21);
    await ca.close();
  }, 60_000);
});
