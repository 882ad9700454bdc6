import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
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
import { RecordIntake } from './record-intake.js';
import { ringCaptureAvailable, type CaptureSummary } from './ring-capture.js';
import type { RelayReply, RelayRequest, RelayThreadData } from './relay-thread-protocol.js';

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

type Command = Exclude<RelayRequest, { k: 'append' }>;
type WithoutId<T> = T extends { id: number } ? Omit<T, 'id'> : never;

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * Runs the proxies in a relay thread. This thread keeps the session: it hands out connection ids (shared memory),
 * takes the capture worker's records on a port of their own, and sends commands (start, stop, faults) to the
 * relay thread. No record passes through the relay thread's event loop.
 */
export function createThreadedProxyController(
  options: ProxyControllerOptions = {},
): InspectorProxyController {
  let worker: Worker | undefined;
  let intake: RecordIntake | undefined;
  let failure: Error | undefined;
  let summary: CaptureSummary | undefined;
  let fileError: ((error: Error) => void) | undefined;
  let proxies: ProxyInfo[] = [];
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
    } else if (reply.k === 'held') {
      held = reply.held;
      for (const listener of heldListeners) listener(held);
    } else if (reply.k === 'capture-failed') intake?.fail(reply.message);
    else fileError?.(new Error(reply.message));
  };

  const fail = (message: string): void => {
    if (failure) return;
    failure = new Error(message);
    for (const waiter of pending.values()) waiter.reject(failure);
    pending.clear();
    intake?.fail(message);
  };

  const spawn = (session: ProxySession, sessionFile?: SessionFileSpec): Worker => {
    if (worker) return worker;
    if (!session.connectionIds) throw new Error('the session does not share its connection ids');
    const { port1, port2 } = new MessageChannel();
    intake = new RecordIntake(port1, session);
    const { records: _records, ...controllerOptions } = options;
    const data: RelayThreadData = {
      controller: controllerOptions,
      connectionIds: session.connectionIds,
      sessionOriginEpoch: performance.timeOrigin + performance.now() - session.now(),
      startedAt: session.startedAt,
      producer: session.producer,
      ...(session.maxCapturedPayload !== undefined ? { maxCapturedPayload: session.maxCapturedPayload } : {}),
      ...(session.previewRateLimit !== undefined ? { previewRateLimit: session.previewRateLimit } : {}),
      maxStoredPayload: session.payloads?.maxPayload ?? 0,
      records: port2,
      ...(sessionFile ? { sessionFile } : {}),
    };
    worker = new Worker(relayFile, { workerData: data, transferList: [port2] });
    worker.on('message', onReply);
    worker.on('error', (error) => fail(`the relay thread failed: ${error.message}`));
    worker.on('exit', (code) => fail(`the relay thread exited (code ${code})`));
    return worker;
  };

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

    appendToSessionFile(events: readonly CaptureEvent[]): void {
      worker?.postMessage({ k: 'append', events: [...events] } satisfies RelayRequest);
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

    async dispose(): Promise<void> {
      if (!worker) return;
      try {
        summary = await call<CaptureSummary | undefined>({ k: 'dispose' });
      } catch {
        // The relay thread is gone already: its failure was reported.
      }
      // Records the capture worker posted just before it settled are still on their way on their own port.
      await new Promise((resolve) => setTimeout(resolve, 30));
      failure ??= new Error('the proxies were stopped');
      const stopping = worker;
      worker = undefined;
      await stopping.terminate();
    },

    running: () => undefined,

    get captureSummary() {
      return summary;
    },
  };
}
