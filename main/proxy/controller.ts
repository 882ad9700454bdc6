import { performance } from 'node:perf_hooks';
import type {
  BreakpointSettings,
  HeldMessage,
  ReleaseHeldRequest,
  InjectMessageRequest,
  ConnectionFault,
  ProxyInfo,
  StartProxyRequest,
  Unsubscribe,
} from '../../shared/api/contract.js';
import type {
  ProxiedConnectionInfo,
  ProxyController,
  ProxySession,
  RecorderFactory,
  SessionFileSpec,
} from '../core/proxy-controller.js';
import type { CaptureEvent } from '../../shared/model/events.js';
import type { CaptureFactory, CaptureStart } from './capture.js';
import { CaptureWorkerHost, workerCaptureAvailable, workerCaptureFactory } from './worker-capture.js';
import {
  RingCaptureHost,
  ringCaptureAvailable,
  ringCaptureFactory,
  type CaptureSummary,
  type RingCaptureOptions,
} from './ring-capture.js';
import { clientRingRecorders } from '../client/client-ring-recorder.js';
import type { ForwardProxyOptions } from './forward-proxy.js';
import { startForwardProxy } from './forward-proxy.js';
import type { RunningProxy } from './proxy-options.js';
import { recorderCaptureFactory } from './recorder-capture.js';
import { startReverseProxy } from './reverse-proxy.js';
import { startSessionFile } from '../session/session-writer.js';
import { FaultRegistry } from './faults/fault-registry.js';
import { normalizeFault } from './faults/normalize-fault.js';
import { Breakpoints } from './breakpoints/breakpoints.js';

/** Settings the API request does not carry (they come from the shell: CLI flags, app preferences). */
export interface ProxyControllerOptions {
  caDir?: string;
  passThrough?: readonly string[];
  /** Forward mode: intercepted hosts whose certificate is cached (LRU). Default 1000. */
  certCacheSize?: number;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  headTimeoutMs?: number;
  /** Client sockets per proxy (default 512). */
  maxConnections?: number;
  tapBudgetBytes?: number;
  /** Connection-count updates are pushed at most this often. Default 200 ms. */
  updateIntervalMs?: number;
  /** Where recording runs (see captureFactory). Default 'auto'. */
  capture?: CaptureMode;
  /**
   * When recording cannot keep up: 'hold' (default) never loses a frame (spill to disk, then hold the senders
   * back); 'drop' keeps the traffic at full speed and counts the frames recording skipped (`dropped` records).
   */
  onOverload?: 'hold' | 'drop';
  /** The lossless capture's settings (ring size, spill, raw capture file, test hooks). */
  ring?: RingCaptureOptions;
  /** Nice value of the capture worker thread. Default 19. */
  captureNice?: number;
  /** Bytes per connection handed to the worker and not yet recorded. Default 4 MiB. */
  captureInFlightBytes?: number;
}

export type CaptureMode = 'auto' | 'ring' | 'worker' | 'inline';

export interface InspectorProxyController extends ProxyController {
  /** The running proxy behind an id (for shells that print more than ProxyInfo, e.g. the CA path). */
  running(id: string): RunningProxy | undefined;
  /** After dispose: how far behind lossless recording ran, what it spilled, how long it held senders back. */
  readonly captureSummary: CaptureSummary | undefined;
  injectFault(conn: string, fault: ConnectionFault): void | Promise<void>;
  injectMessage(request: InjectMessageRequest): void | Promise<void>;
  setBreakpoints(settings: BreakpointSettings): void | Promise<void>;
  getBreakpoints(): BreakpointSettings | Promise<BreakpointSettings>;
  listHeld(): HeldMessage[] | Promise<HeldMessage[]>;
  releaseHeld(request: ReleaseHeldRequest): void | Promise<void>;
  onHeld(listener: (held: HeldMessage[]) => void): Unsubscribe;
  dispose(): Promise<void>;
  /** Starts the lossless capture before any proxy (the relay thread, whose worker another thread started). */
  startCapture?(session: ProxySession): void;
  /** That worker failed: stop writing into its ring (held senders go on). */
  captureFailed?(): void;
}

/** The recorder parses what it is fed as the downstream leg (heads as the client sent and received them). */
const downstreamLeg = (start: CaptureStart): ProxiedConnectionInfo => ({ ...start, leg: 'downstream' });

/**
 * Where recording runs. 'worker' needs the compiled worker (a build) and a recorder whose records can be appended
 * from outside; 'auto' uses the worker when both hold, else records on the relay thread ('inline').
 */
function captureFactory(
  mode: CaptureMode,
  recorderFactory: RecorderFactory,
  host: () => CaptureWorkerHost,
): CaptureFactory {
  const inline = recorderCaptureFactory((start) => recorderFactory(downstreamLeg(start)));
  if (mode === 'inline' || (mode === 'auto' && !workerCaptureAvailable())) return inline;
  return workerCaptureFactory(host(), (start) => {
    const recorder = recorderFactory(downstreamLeg(start));
    const emit = (event: CaptureEvent): void => recorder.append(event);
    // The recorder's t0 was taken just now on the session's monotonic clock: that fixes the offset.
    return {
      conn: recorder.conn,
      t0: recorder.t0,
      startedAt: 0,
      offset: recorder.t0 - performance.now(),
      emit,
      ...recorder.remoteOptions,
    };
  });
}

/** Starts and stops proxies for the inspector and keeps the `proxies` event up to date. */
export function createProxyController(options: ProxyControllerOptions = {}): InspectorProxyController {
  const proxies = new Map<string, RunningProxy>();
  const listeners = new Set<(proxies: ProxyInfo[]) => void>();
  let nextId = 1;
  let pushTimer: NodeJS.Timeout | undefined;
  let workerHost: CaptureWorkerHost | undefined;
  let ringHost: RingCaptureHost | undefined;
  let captureSummary: CaptureSummary | undefined;
  let fileError: ((error: Error) => void) | undefined;
  const lossless = (): boolean =>
    options.capture === 'ring' ||
    ((options.capture ?? 'auto') === 'auto' && options.onOverload !== 'drop' && ringCaptureAvailable());
  const ring = (session: ProxySession, file?: SessionFileSpec): RingCaptureHost =>
    (ringHost ??= new RingCaptureHost(
      session,
      { ...(options.captureNice !== undefined ? { nice: options.captureNice } : {}), ...options.ring },
      file,
      (message) => fileError?.(new Error(message)),
    ));
  const faultRegistry = new FaultRegistry();
  const breakpoints = new Breakpoints();
  const host = (): CaptureWorkerHost =>
    (workerHost ??= new CaptureWorkerHost({
      ...(options.captureNice !== undefined ? { nice: options.captureNice } : {}),
      ...(options.captureInFlightBytes !== undefined ? { inFlightBytes: options.captureInFlightBytes } : {}),
    }));

  const info = (id: string, proxy: RunningProxy): ProxyInfo => ({
    id,
    mode: proxy.mode,
    address: proxy.address,
    ...(proxy.target !== undefined ? { target: proxy.target } : {}),
    ...(proxy.caCertPath !== undefined ? { caCertPath: proxy.caCertPath } : {}),
    active: true,
    connections: proxy.connections(),
    refused: proxy.refused(),
    ...(proxy.allowRemote ? { allowRemote: true } : {}),
  });
  const list = (): ProxyInfo[] => [...proxies].map(([id, proxy]) => info(id, proxy));
  const pushNow = (): void => {
    if (pushTimer) clearTimeout(pushTimer);
    pushTimer = undefined;
    const snapshot = list();
    for (const listener of listeners) listener(snapshot);
  };
  const pushSoon = (): void => {
    pushTimer ??= setTimeout(pushNow, options.updateIntervalMs ?? 200);
    pushTimer.unref();
  };

  return {
    adoptSessionFile(file, session, onError): boolean {
      // Created and headed here, synchronously: the file exists (or its failure is known) before anything is
      // recorded; the capture worker appends to it.
      if (!lossless() || ringHost || !startSessionFile(file.path, file.header)) return false;
      fileError = onError;
      ring(session, file);
      return true;
    },

    appendToSessionFile(events): void {
      ringHost?.appendToFile(events);
    },

    clientRecorders(session) {
      if (!lossless()) return undefined;
      const host = ring(session);
      return clientRingRecorders(host.producer, session, host.maxStoredPayload);
    },

    startCapture(session): void {
      if (lossless()) ring(session);
    },

    captureFailed(): void {
      ringHost?.stop();
    },

    async start(
      request: StartProxyRequest,
      recorderFactory: RecorderFactory,
      session?: ProxySession,
    ): Promise<ProxyInfo> {
      const common = {
        capture:
          session && lossless()
            ? ringCaptureFactory(ring(session))
            : captureFactory(
                options.capture === 'ring' ? 'auto' : (options.capture ?? 'auto'),
                recorderFactory,
                host,
              ),
        onChange: pushSoon,
        faultRegistry,
        breakpoints,
        ...(request.faults !== undefined ? { faults: request.faults } : {}),
        ...(request.scenarioSteps !== undefined ? { scenarioSteps: request.scenarioSteps } : {}),
        ...(request.listenHost !== undefined ? { listenHost: request.listenHost } : {}),
        ...(request.listenPort !== undefined ? { listenPort: request.listenPort } : {}),
        ...(request.insecure !== undefined ? { insecure: request.insecure } : {}),
        ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
        ...(options.responseTimeoutMs !== undefined ? { responseTimeoutMs: options.responseTimeoutMs } : {}),
        ...(options.headTimeoutMs !== undefined ? { headTimeoutMs: options.headTimeoutMs } : {}),
        ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
        ...(request.allowRemote !== undefined ? { allowRemote: request.allowRemote } : {}),
        ...(options.tapBudgetBytes !== undefined ? { tapBudgetBytes: options.tapBudgetBytes } : {}),
      };
      let proxy: RunningProxy;
      if (request.mode === 'reverse') {
        if (!request.target) throw new TypeError('a reverse proxy needs a target ws:// or wss:// URL');
        proxy = await startReverseProxy({ ...common, target: request.target });
      } else {
        const forward: ForwardProxyOptions = {
          ...common,
          ...(options.caDir !== undefined ? { caDir: options.caDir } : {}),
          ...(options.passThrough !== undefined ? { passThrough: options.passThrough } : {}),
          ...(options.certCacheSize !== undefined ? { certCacheSize: options.certCacheSize } : {}),
        };
        proxy = await startForwardProxy(forward);
      }
      const id = `p${nextId++}`;
      proxies.set(id, proxy);
      pushNow();
      return info(id, proxy);
    },

    async stop(id: string): Promise<void> {
      const proxy = proxies.get(id);
      if (!proxy) throw new Error(`no proxy "${id}"`);
      proxies.delete(id);
      await proxy.close();
      pushNow();
    },

    list,

    injectFault(conn: string, fault: ConnectionFault): void {
      const faults = faultRegistry.get(conn);
      if (!faults) throw new Error(`no open proxied WebSocket connection "${conn}"`);
      faults.inject(normalizeFault(fault));
    },

    injectMessage(request: InjectMessageRequest): void {
      const faults = faultRegistry.get(request.conn);
      if (!faults) throw new Error(`no open proxied WebSocket connection "${request.conn}"`);
      const { conn: _conn, ...message } = request;
      faults.injectMessage(message);
    },

    setBreakpoints: (settings: BreakpointSettings) => breakpoints.set(settings),
    getBreakpoints: () => breakpoints.settings,
    listHeld: () => breakpoints.list(),
    releaseHeld: (request: ReleaseHeldRequest) => breakpoints.release(request),
    onHeld: (listener: (held: HeldMessage[]) => void) => breakpoints.onChange(listener),

    onChange(listener: (proxies: ProxyInfo[]) => void): Unsubscribe {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async dispose(): Promise<void> {
      breakpoints.dispose();
      const all = [...proxies.values()];
      proxies.clear();
      await Promise.all(all.map((proxy) => proxy.close()));
      if (pushTimer) clearTimeout(pushTimer);
      pushTimer = undefined;
      // Closing the proxies ended their connections; let the worker record them to the end before it goes.
      await new Promise((resolve) => setImmediate(resolve));
      await workerHost?.settle();
      await workerHost?.terminate();
      workerHost = undefined;
      if (ringHost) captureSummary = await ringHost.close();
      ringHost = undefined;
    },

    running: (id) => proxies.get(id),
    get captureSummary() {
      return captureSummary;
    },
  };
}
