import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import forge from 'node-forge';
import { buildLeafCertificate } from './leaf-cert.js';

export interface LeafSignerInit {
  caCertPem: string;
  caKeyPem: string;
}
export interface LeafSignRequest {
  id: number;
  host: string;
  publicKeyPem: string;
}
export type LeafSignResult = { id: number; certPem: string } | { id: number; error: string };

const workerFile = fileURLToPath(new URL('./leaf-signer-worker.js', import.meta.url));

/**
 * Signs leaf certificates on a worker thread (started on first use, unref'd so it never keeps the process alive).
 * Where the compiled worker is missing (tests run from TypeScript sources) it signs on this thread, one per tick.
 */
export class LeafSigner {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve: (pem: string) => void; reject: (e: Error) => void }
  >();
  private inline: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } | undefined;

  constructor(private readonly init: LeafSignerInit) {}

  sign(host: string, publicKeyPem: string): Promise<string> {
    if (!existsSync(workerFile)) return this.signInline(host, publicKeyPem);
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ id, host, publicKeyPem } satisfies LeafSignRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(workerFile, { workerData: this.init });
    worker.unref();
    worker.on('message', (result: LeafSignResult) => {
      const waiter = this.waiting.get(result.id);
      this.waiting.delete(result.id);
      if (this.waiting.size === 0) worker.unref();
      if (!waiter) return;
      if ('certPem' in result) waiter.resolve(result.certPem);
      else waiter.reject(new Error(`signing a certificate failed: ${result.error}`));
    });
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`certificate signer exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  private signInline(host: string, publicKeyPem: string): Promise<string> {
    this.inline ??= {
      cert: forge.pki.certificateFromPem(this.init.caCertPem),
      key: forge.pki.privateKeyFromPem(this.init.caKeyPem),
    };
    const { cert, key } = this.inline;
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(buildLeafCertificate(cert, key, publicKeyPem, host));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
  }
}
