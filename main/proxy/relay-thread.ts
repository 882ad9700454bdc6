/**
 * The relay thread: the proxies (listeners, TLS interception, faults, the relay itself) run here, apart from the
 * thread that keeps the session and serves the views. Relayed bytes go into the capture ring; the capture worker that
 * reads it was started by the session's thread and sends its records there: none pass through this thread.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { ProxySession } from '../core/proxy-controller.js';
import { createProxyController } from './controller.js';
import type { RelayReply, RelayRequest, RelayThreadData } from './relay-thread-protocol.js';

const data = workerData as RelayThreadData;
const ids = new Int32Array(data.connectionIds);
const reply = (message: RelayReply): void => parentPort?.postMessage(message);

const session: ProxySession = {
  now: () => Math.round((performance.timeOrigin + performance.now() - data.sessionOriginEpoch) * 1000) / 1000,
  startedAt: data.startedAt,
  producer: data.producer,
  allocateConnection: () => `c${Atomics.add(ids, 0, 1) + 1}`,
  // Records reach the session through `records`, never through this thread.
  ingest: () => undefined,
  // Only the limit matters here: the payloads themselves reach the store from the capture worker.
  ...(data.maxStoredPayload > 0
    ? { payloads: { maxPayload: data.maxStoredPayload, keep: () => false } }
    : {}),
  ...(data.maxCapturedPayload !== undefined ? { maxCapturedPayload: data.maxCapturedPayload } : {}),
  ...(data.previewRateLimit !== undefined ? { previewRateLimit: data.previewRateLimit } : {}),
};

const controller = createProxyController({
  ...data.controller,
  ring: { ...data.controller.ring, externalRing: data.ring },
  capture: 'ring',
});
controller.onChange?.((proxies) => reply({ k: 'proxies', proxies }));
controller.onHeld((held) => reply({ k: 'held', held }));
controller.startCapture?.(session);

const noRecorders = (): never => {
  throw new Error('the relay thread records through the capture ring only');
};

type Value = Extract<RelayReply, { ok: true }>['value'];

async function handle(request: Exclude<RelayRequest, { k: 'capture-failed' }>): Promise<Value | undefined> {
  switch (request.k) {
    case 'start':
      return controller.start(request.request, noRecorders, session);
    case 'stop':
      await controller.stop(request.proxy);
      return undefined;
    case 'list':
      return controller.list();
    case 'inject':
      await controller.injectFault(request.conn, request.fault);
      return undefined;
    case 'inject-message':
      await controller.injectMessage(request.request);
      return undefined;
    case 'set-breakpoints':
      await controller.setBreakpoints(request.settings);
      return undefined;
    case 'release-held':
      await controller.releaseHeld(request.request);
      return undefined;
    case 'dispose':
      await controller.dispose();
      return controller.captureSummary;
  }
}

parentPort?.on('message', (request: RelayRequest) => {
  if (request.k === 'capture-failed') return controller.captureFailed?.();
  handle(request).then(
    (value) => reply({ id: request.id, ok: true, ...(value !== undefined ? { value } : {}) }),
    (error: unknown) =>
      reply({
        id: request.id,
        ok: false,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
});
