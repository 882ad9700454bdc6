import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';

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

function newRsaKeyPair(): KeyPair {
  // node:crypto generates the key natively (milliseconds); forge only builds and signs the certificates.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // positive
  return bytes.toString('hex');
}

const DAY_MS = 86_400_000;

function createCaCertificate(keys: KeyPair): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * DAY_MS);
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
 * (private key readable by the owner only), reused afterwards; leaf certificates are made per host and cached.
 */
export class CertificateAuthority {
  private readonly contexts = new Map<string, tls.SecureContext>();
  private leafKeys: KeyPair | undefined;
  private readonly caCert: forge.pki.Certificate;
  private readonly caKey: forge.pki.rsa.PrivateKey;

  private constructor(
    readonly dir: string,
    readonly certPem: string,
    keyPem: string,
  ) {
    this.caCert = forge.pki.certificateFromPem(certPem);
    this.caKey = forge.pki.privateKeyFromPem(keyPem);
  }

  get certPath(): string {
    return path.join(this.dir, CA_CERT_FILE);
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
    const keys = newRsaKeyPair();
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

  /** A leaf certificate for `host` (DNS name or IP literal), signed by this CA. */
  leafFor(host: string): { certPem: string; keyPem: string } {
    this.leafKeys ??= newRsaKeyPair();
    const cert = forge.pki.createCertificate();
    cert.publicKey = forge.pki.publicKeyFromPem(this.leafKeys.publicKeyPem);
    cert.serialNumber = serialNumber();
    cert.validity.notBefore = new Date(Date.now() - DAY_MS);
    // Browsers reject leaf certificates valid for more than 398 days.
    cert.validity.notAfter = new Date(Date.now() + 390 * DAY_MS);
    cert.setSubject([{ name: 'commonName', value: host.slice(0, 64) }]);
    cert.setIssuer(this.caCert.subject.attributes);
    const altName = net.isIP(host) ? { type: 7, ip: host } : { type: 2, value: host };
    cert.setExtensions([
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [altName] },
      { name: 'subjectKeyIdentifier' },
      {
        name: 'authorityKeyIdentifier',
        keyIdentifier: this.caCert.generateSubjectKeyIdentifier().getBytes(),
      },
    ]);
    cert.sign(this.caKey, forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), keyPem: this.leafKeys.privateKeyPem };
  }

  /** TLS server context presenting a leaf for `host` (cached per host). */
  contextFor(host: string): tls.SecureContext {
    const key = host.toLowerCase();
    let context = this.contexts.get(key);
    if (!context) {
      const leaf = this.leafFor(key);
      context = tls.createSecureContext({ cert: leaf.certPem + this.certPem, key: leaf.keyPem });
      this.contexts.set(key, context);
    }
    return context;
  }
}
