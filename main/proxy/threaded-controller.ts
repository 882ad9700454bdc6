import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  BreakpointSettings,
  HeldMessage,
  ReleaseHeldRequest,
  ConnectionFault,
  InjectMessageRequest,
  ProxyInfo,
  StartProxyRequest,
  Unsubscribe,
} from '../../shared/api/contract.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { ProxySession, RecorderFactory, SessionFileSpec } from '../core/proxy-controller.js';
import {
  createProxyController,
  type InspectorProxyController,
  type ProxyControllerOptions,
} from './controller.js';
import { startSessionFile } from '../session/session-writer.js';
import { createRingBuffers } from '../capture/ring/capture-ring.js';
import { RingProducer } from '../capture/ring/ring-producer.js';
import type { ClientRecorderFactory } from '../client/client-recorder.js';
import { clientRingRecorders } from '../client/client-ring-recorder.js';
import { DEFAULT_RING_BYTES, RingWorker, ringCaptureAvailable, type CaptureSummary } from './ring-capture.js';
import { serializeEvent } from '../../shared/session/serialize.js';
import type { RelayReply, RelayRequest, RelayThreadData } from './relay-thread-protocol.js';

/** Client connections are few and light: their ring is smaller than the relay's. */
const CLIENT_RING_BYTES = 8 * 1024 * 1024;
/** The worker reads both rings with one set of connection numbers: the client ring's start far above the relay's. */
const CLIENT_RING_FIRST_CONN = 0x40000000;

const relayFile = fileURLToPath(new URL('./relay-thread.js', import.meta.url));

/** True when running from a build (worker threads cannot load the TypeScript sources the tests run from). */
export const relayThreadAvailable = (): boolean => existsSync(relayFile) && ringCaptureAvailable();

/**
 * The proxy controller the shells use: the relay in a thread of its own where it can run (from a build, lossless
 * capture), else in this thread (`--on-overload drop`, explicit capture modes, the TypeScript sources).
 */
export function createShellProxyController(options: ProxyControllerOptions = {}): InspectorProxyController {
  const ownThread =
    options.onOverload !== 'drop' &&
    (options.capture === undefined || options.capture === 'auto' || options.capture === 'ring') &&
    relayThreadAvailable();
  return ownThread ? createThreadedProxyController(options) : createProxyController(options);
}

type Command = Exclude<RelayRequest, { k: 'capture-failed' }>;
type WithoutId<T> = T extends { id: number } ? Omit<T, 'id'> : never;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * Runs the proxies in a relay thread. This thread keeps the session: it hands out connection ids (shared memory),
 * runs the capture worker (which reads the relay thread's ring and this thread's client ring, and sends its records
 * here on a channel of their own) and sends commands (start, stop, faults) to the relay thread. No record passes
 * through the relay thread's event loop.
 */
export function createThreadedProxyController(
  options: ProxyControllerOptions = {},
): InspectorProxyController {
  let worker: Worker | undefined;
  let capture: RingWorker | undefined;
  let failure: Error | undefined;
  let summary: CaptureSummary | undefined;
  let fileError: ((error: Error) => void) | undefined;
  let proxies: ProxyInfo[] = [];
  /** Writes the session's client connections (and its own session-file lines) into the worker's client ring. */
  let clientProducer: RingProducer | undefined;
  let maxStoredPayload = 0;
  let breakpoints: BreakpointSettings | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const listeners = new Set<(proxies: ProxyInfo[]) => void>();
  // Held messages live in the relay thread; this thread keeps the last list it pushed.
  let held: HeldMessage[] = [];
  const heldListeners = new Set<(held: HeldMessage[]) => void>();

  const onReply = (reply: RelayReply): void => {
    if ('id' in reply) {
      const waiter = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiter) return;
      if (reply.ok) return waiter.resolve(reply.value);
      const error = reply.name === 'TypeError' ? new TypeError(reply.message) : new Error(reply.message);
      return waiter.reject(error);
    }
    if (reply.k === 'proxies') {
      proxies = reply.proxies;
      for (const listener of listeners) listener(proxies);
    } else {
      held = reply.held;
      for (const listener of heldListeners) listener(held);
    }
  };

  const fail = (message: string): void => {
    if (failure) return;
    failure = new Error(message);
    for (const waiter of pending.values()) waiter.reject(failure);
    pending.clear();
  };

  const spawn = (session: ProxySession, sessionFile?: SessionFileSpec): Worker => {
    if (worker) return worker;
    if (!session.connectionIds) throw new Error('the session does not share its connection ids');
    const relayRing = createRingBuffers(options.ring?.ringBytes ?? DEFAULT_RING_BYTES);
    const clientRing = createRingBuffers(CLIENT_RING_BYTES);
    // The worker starts here, beside the relay thread rather than after it: records flow sooner.
    capture = new RingWorker(
      session,
      { relay: relayRing, client: clientRing },
      { ...(options.captureNice !== undefined ? { nice: options.captureNice } : {}), ...options.ring },
      sessionFile,
      (message) => fileError?.(new Error(message)),
    );
    capture.onFailed(() => {
      clientProducer?.stop();
      worker?.postMessage({ k: 'capture-failed' } satisfies RelayRequest);
    });
    clientProducer = new RingProducer(clientRing, {
      offset: session.now() - performance.now(),
      firstConn: CLIENT_RING_FIRST_CONN,
    });
    maxStoredPayload = Math.max(
      session.payloads?.maxPayload ?? 0,
      sessionFile?.fullPayloads ? sessionFile.maxStoredPayload : 0,
    );
    const data: RelayThreadData = {
      controller: options,
      connectionIds: session.connectionIds,
      sessionOriginEpoch: performance.timeOrigin + performance.now() - session.now(),
      startedAt: session.startedAt,
      producer: session.producer,
      ...(session.maxCapturedPayload !== undefined ? { maxCapturedPayload: session.maxCapturedPayload } : {}),
      ...(session.previewRateLimit !== undefined ? { previewRateLimit: session.previewRateLimit } : {}),
      maxStoredPayload,
      ring: relayRing,
    };
    worker = new Worker(relayFile, { workerData: data });
    worker.on('message', onReply);
    worker.on('error', (error) => fail(`the relay thread failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the relay thread exited (code ${code})`));
    return worker;
  };

  const stopAll = async (): Promise<void> => {
    if (!worker) return;
    let relayed: CaptureSummary | undefined;
    try {
      // The relay thread stops its proxies (their connections end) and waits until its ring holds everything.
      relayed = await call<CaptureSummary | undefined>({ k: 'dispose' });
    } catch {
      // The relay thread is gone already: its failure was reported.
    }
    const deadline = performance.now() + 60_000;
    while (clientProducer?.waiting && performance.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
    clientProducer?.stop();
    const recorded = await capture?.close();
    summary = {
      maxLagMs: recorded?.maxLagMs ?? 0,
      spilledBytes: recorded?.spilledBytes ?? 0,
      backpressureMs: (relayed?.backpressureMs ?? 0) + (clientProducer?.backpressureMs ?? 0),
      ...(recorded?.sessionFileError ? { sessionFileError: recorded.sessionFileError } : {}),
    };
    failure ??= new Error('the proxies were stopped');
    const stopping = worker;
    worker = undefined;
    capture = undefined;
    await stopping.terminate();
  };

  let disposing: Promise<void> | undefined;

  const call = <T>(request: WithoutId<Command>): Promise<T> => {
    if (failure) return Promise.reject(failure);
    if (!worker) return Promise.reject(new Error('no proxy has been started'));
    const id = nextId++;
    const running = worker;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      running.postMessage({ ...request, id });
    });
  };

  return {
    adoptSessionFile(file: SessionFileSpec, session: ProxySession, onError: (error: Error) => void): boolean {
      // Created and headed here, synchronously: the file exists (or its failure is known) before anything is
      // recorded; the capture worker appends to it.
      if (worker || !session.connectionIds || !startSessionFile(file.path, file.header)) return false;
      fileError = onError;
      spawn(session, file);
      return true;
    },

    clientRecorders(session: ProxySession): ClientRecorderFactory | undefined {
      if (failure || !session.connectionIds) return undefined;
      spawn(session);
      return clientProducer ? clientRingRecorders(clientProducer, session, maxStoredPayload) : undefined;
    },

    prepare(session: ProxySession): Promise<void> | undefined {
      if (failure || !session.connectionIds) return undefined;
      spawn(session);
      return capture?.ready;
    },

    appendToSessionFile(events: readonly CaptureEvent[]): void {
      for (const event of events) clientProducer?.line(serializeEvent(event), event.t);
    },

    async start(
      request: StartProxyRequest,
      _recorders: RecorderFactory,
      session?: ProxySession,
    ): Promise<ProxyInfo> {
      if (!session) throw new Error('a proxy in its own thread needs the session');
      const fresh = !worker;
      spawn(session);
      if (fresh && breakpoints)
        void call<void>({ k: 'set-breakpoints', settings: breakpoints }).catch(() => undefined);
      return call<ProxyInfo>({ k: 'start', request });
    },

    stop: (id: string) => call<void>({ k: 'stop', proxy: id }),

    list: () => (worker ? call<ProxyInfo[]>({ k: 'list' }) : []),

    injectFault: (conn: string, fault: ConnectionFault) => call<void>({ k: 'inject', conn, fault }),

    injectMessage: (request: InjectMessageRequest) => call<void>({ k: 'inject-message', request }),

    // Rules set before the first proxy starts are kept and sent along when the relay thread exists.
    setBreakpoints: (settings: BreakpointSettings) => {
      breakpoints = settings;
      return worker ? call<void>({ k: 'set-breakpoints', settings }) : undefined;
    },

    getBreakpoints: () => breakpoints ?? { rules: [] },

    listHeld: () => held,

    releaseHeld: (request: ReleaseHeldRequest) => call<void>({ k: 'release-held', request }),

    onHeld(listener: (held: HeldMessage[]) => void): Unsubscribe {
      heldListeners.add(listener);
      return () => heldListeners.delete(listener);
    },

    onChange(listener: (proxies: ProxyInfo[]) => void): Unsubscribe {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    dispose(): Promise<void> {
      // A second call (a second Ctrl-C) waits for the first.
      return (disposing ??= stopAll());
    },

    running: () => undefined,

    get captureSummary() {
      return summary;
    },
  };
}
