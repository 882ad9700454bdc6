/** Worker thread: signs leaf certificates so the relay thread never spends the ~30 ms an RSA signature takes. */
import { parentPort, workerData } from 'node:worker_threads';
import forge from 'node-forge';
import { buildLeafCertificate } from './leaf-cert.js';
import type { LeafSignerInit, LeafSignRequest, LeafSignResult } from './leaf-signer.js';

const init = workerData as LeafSignerInit;
const caCert = forge.pki.certificateFromPem(init.caCertPem);
const caKey = forge.pki.privateKeyFromPem(init.caKeyPem);

parentPort?.on('message', ({ id, host, publicKeyPem }: LeafSignRequest) => {
  let result: LeafSignResult;
  try {
    result = { id, certPem: buildLeafCertificate(caCert, caKey, publicKeyPem, host) };
  } catch (error) {
    result = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(result);
});
