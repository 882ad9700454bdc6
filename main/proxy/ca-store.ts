import { generateKeyPair, generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { buildLeafCertificate, DAY_MS, serialNumber } from './leaf-cert.js';
import { LeafSigner } from './leaf-signer.js';

/** Where the local CA lives unless configured: $XDG_CONFIG_HOME or ~/.config, then websocket-inspector/ca. */
export function defaultCaDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'websocket-inspector', 'ca');
}

export const CA_CERT_FILE = 'ca-cert.pem';
export const CA_KEY_FILE = 'ca-key.pem';

interface KeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

const RSA_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const;

/** Generated natively on libuv's thread pool: the relay thread does not wait for it. */
async function newRsaKeyPairAsync(): Promise<KeyPair> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', RSA_OPTIONS);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function newRsaKeyPair(): KeyPair {
  // node:crypto generates the key natively (milliseconds); forge only builds and signs the certificates.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', RSA_OPTIONS);
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/**
 * A new CA is valid for 2 years (it used to be 10): a CA that can sign for any host should not outlive the machine
 * setup it was trusted for. Name constraints (RFC 5280 §4.2.1.10) are not set: the CA must sign whatever host a client
 * connects through the proxy, and node-forge cannot encode the extension.
 */
export const CA_VALIDITY_DAYS = 730;
/** Leaf certificates cached per host (least recently used dropped first). */
export const DEFAULT_CERT_CACHE_SIZE = 1000;
/** A cached leaf older than this is signed again, so none served is near its end of validity. */
const LEAF_REUSE_MS = 7 * DAY_MS;

function createCaCertificate(keys: KeyPair): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + CA_VALIDITY_DAYS * DAY_MS);
  const subject = [
    { name: 'commonName', value: `WebSocket Inspector local CA (${os.hostname()})` },
    { name: 'organizationName', value: 'WebSocket Inspector' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/**
 * The local certificate authority used to intercept TLS in forward mode. Created on first use in `dir`
 * (private key readable by the owner only), reused afterwards; leaf certificates are signed per host on a worker
 * thread (see LeafSigner) and cached, at most `cacheSize` hosts.
 */
export class CertificateAuthority {
  private readonly contexts = new Map<string, { at: number; context: Promise<tls.SecureContext> }>();
  private leafKeys: KeyPair | undefined;
  private leafKeysAsync: Promise<KeyPair> | undefined;
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;
  private readonly signer: LeafSigner;
  cacheSize = DEFAULT_CERT_CACHE_SIZE;

  private constructor(
    readonly dir: string,
    readonly certPem: string,
    keyPem: string,
  ) {
    this.caCert = forge.pki.certificateFromPem(certPem);
    this.caKey = forge.pki.privateKeyFromPem(keyPem);
    this.signer = new LeafSigner({ caCertPem: certPem, caKeyPem: keyPem });
  }

  get certPath(): string {
    return path.join(this.dir, CA_CERT_FILE);
  }

  /** Hosts with a cached leaf, least recently used first. */
  get cachedHosts(): string[] {
    return [...this.contexts.keys()];
  }

  static async loadOrCreate(dir: string = defaultCaDir()): Promise<CertificateAuthority> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const certPath = path.join(dir, CA_CERT_FILE);
    const keyPath = path.join(dir, CA_KEY_FILE);
    try {
      const [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
      await chmod(keyPath, 0o600);
      return new CertificateAuthority(dir, certPem, keyPem);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const keys = await newRsaKeyPairAsync();
    const certPem = createCaCertificate(keys);
    // 'wx' never overwrites: a concurrent first use keeps whichever CA was written first.
    try {
      await writeFile(keyPath, keys.privateKeyPem, { mode: 0o600, flag: 'wx' });
      await writeFile(certPath, certPem, { mode: 0o644, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return CertificateAuthority.loadOrCreate(dir);
    }
    return new CertificateAuthority(dir, certPem, keys.privateKeyPem);
  }

  /** A leaf certificate for `host` (DNS name or IP literal), signed by this CA on the calling thread. */
  leafFor(host: string): { certPem: string; keyPem: string } {
    this.leafKeys ??= newRsaKeyPair();
    const certPem = buildLeafCertificate(this.caCert, this.caKey, this.leafKeys.publicKeyPem, host);
    return { certPem, keyPem: this.leafKeys.privateKeyPem };
  }

  /** TLS server context presenting a leaf for `host`, signed off this thread and cached per host (LRU). */
  contextFor(host: string): Promise<tls.SecureContext> {
    const key = host.toLowerCase();
    const cached = this.contexts.get(key);
    if (cached && Date.now() - cached.at < LEAF_REUSE_MS) {
      this.contexts.delete(key);
      this.contexts.set(key, cached);
      return cached.context;
    }
    const context = this.signContext(key);
    this.contexts.delete(key);
    this.contexts.set(key, { at: Date.now(), context });
    // A failed signature is not cached: the next connection tries again.
    context.catch(() => {
      if (this.contexts.get(key)?.context === context) this.contexts.delete(key);
    });
    while (this.contexts.size > Math.max(1, this.cacheSize)) {
      const oldest = this.contexts.keys().next();
      if (oldest.done) break;
      this.contexts.delete(oldest.value);
    }
    return context;
  }

  /** Stops the signing worker (a later contextFor starts it again). */
  close(): Promise<void> {
    return this.signer.close();
  }

  private async signContext(host: string): Promise<tls.SecureContext> {
    const keys = await (this.leafKeysAsync ??= this.leafKeys
      ? Promise.resolve(this.leafKeys)
      : newRsaKeyPairAsync());
    const certPem = await this.signer.sign(host, keys.publicKeyPem);
    return tls.createSecureContext({ cert: certPem + this.certPem, key: keys.privateKeyPem });
  }
}
