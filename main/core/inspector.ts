import type {
  AppInfo,
  CaptureBatch,
  EventName,
  EventPayload,
  HeldMessage,
  InspectorService,
  ProxyInfo,
  ReconnectNotice,
  RequestOf,
  SessionSnapshot,
  Unsubscribe,
} from '../../shared/api/contract.js';
import type { CaptureEvent, ConnectionId } from '../../shared/model/events.js';
import type { SessionHeader } from '../../shared/model/session.js';
import { applyAuth } from '../../shared/connect/auth.js';
import { readSessionText } from '../../shared/import/index.js';
import { createSessionHeader } from '../../shared/session/serialize.js';
import type { Leg } from '../../shared/model/wire.js';
import { ConnectionRecorder, type ConnectionIdentity } from '../capture/connection-recorder.js';
import type { ClientIdentity, ClientRecorder } from '../client/client-recorder.js';
import { defaultProtocolStages } from '../capture/default-stages.js';
import { DEFAULT_MAX_STORED_PAYLOAD, PayloadStore } from '../capture/payload-store.js';
import { DEFAULT_PREVIEW_RATE_LIMIT } from '../capture/preview-rate.js';
import type { ProtocolStages } from '../capture/protocol-stages.js';
import { toBase64 } from '../capture/record-convert.js';
import { ClientConnection } from '../client/client-connection.js';
import { EventLog } from '../session/event-log.js';
import { MemoryBudget, defaultMemoryBudget, type MemoryBudgetOptions } from '../session/memory-budget.js';
import { withFullPayloads } from '../session/full-payloads.js';
import { SessionWriter } from '../session/session-writer.js';
import { createSessionClock, type SessionClock } from './clock.js';
import {
  ProxyUnavailableError,
  type ProxiedConnectionInfo,
  type ProxyController,
  type ProxySession,
} from './proxy-controller.js';
import { ReconnectChain, type ReconnectLink } from './reconnect-chain.js';
import { DEFAULT_STORM_CONCURRENCY, runStorm } from './storm.js';
import { appVersion } from './version.js';
import { runReplay } from '../replay/replay-runner.js';

export interface InspectorOptions {
  shell: AppInfo['shell'];
  /** Write the session to this file as it is recorded (JSON Lines). */
  sessionPath?: string;
  proxyController?: ProxyController;
  /** Payload bytes kept per frame and message in its record (the preview). Default 64 KiB. */
  maxCapturedPayload?: number;
  /**
   * Preview bytes per second of one connection's data frames above which its records keep 255-byte previews (see
   * PreviewRate). Default 32 MiB/s (0 with `fullPayloadsInSession`); 0: never.
   */
  previewRateLimit?: number;
  /** Full payloads longer than the preview are kept in memory up to this size each (0: none). Default 16 MiB. */
  maxStoredPayload?: number;
  /** Total bytes of full payloads kept in memory; the oldest are evicted first. Default 256 MiB. */
  payloadBudget?: number;
  /** The session file gets full payloads (up to `maxStoredPayload`) instead of previews. */
  fullPayloadsInSession?: boolean;
  clock?: SessionClock;
  stages?: ProtocolStages;
  /** Bounds on the records kept in memory (default: fractions of the V8 heap limit). The session file gets all. */
  memoryBudget?: MemoryBudgetOptions;
  /** Called if the session file cannot be written (recording continues in memory). */
  onWriteError?: (error: Error) => void;
  /**
   * Keep every record in memory for `snapshot` (default). False for shells that only stream the session (to its
   * file and to subscribers) and never take a snapshot, like `wsi`: memory then stays bounded however long the capture
   * runs, and a proxy's relay thread no longer pays for collecting an ever-growing heap.
   */
  keepRecords?: boolean;
}

export class RecordsNotKeptError extends Error {
  override name = 'RecordsNotKeptError';
}

export interface Inspector extends InspectorService {
  readonly header: SessionHeader;
  readonly clock: SessionClock;
  /** A recorder attached to this session, for a proxied connection (emits its `connection` record now). */
  createRecorder(info: { mode: 'proxy' } & ProxiedConnectionInfo): ConnectionRecorder;
  /** Deliver batched records to subscribers now. */
  flush(): void;
  /** Like `storm`, resolving once every connection of the storm has ended (the CLI waits for this). */
  runStorm(request: RequestOf<'storm'>): Promise<{ conns: ConnectionId[] }>;
  /**
   * Resolves once the capture pipeline records (its worker has started), at once where there is none. A shell that
   * acts on records as they come (the CLI sends on `open`) waits for it before connecting.
   */
  ready(): Promise<void>;
  /** Abort open connections, stop proxies, flush and close the session file. */
  dispose(): Promise<void>;
}

export class UnknownConnectionError extends Error {
  override name = 'UnknownConnectionError';
}

const SUPPORTED_SCHEMES = new Set(['ws:', 'wss:']);

/** Parse and check a WebSocket URL; the error message is meant for the user. */
export function parseWebSocketUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`invalid URL: ${JSON.stringify(text)}`);
  }
  if (!SUPPORTED_SCHEMES.has(url.protocol)) {
    throw new TypeError(`unsupported URL scheme "${url.protocol}" in ${text}: use ws:// or wss://`);
  }
  if (url.hash) throw new TypeError(`the URL must not contain a fragment (#...): ${text}`);
  return url;
}

/** The pong-timeout and auto-pong settings of a connect request, as given. */
function pongOptions(request: RequestOf<'connect'>): {
  pongTimeoutMs?: number;
  pongTimeoutAction?: 'close' | 'report';
  autoPong?: boolean;
} {
  return {
    ...(request.pongTimeoutMs !== undefined ? { pongTimeoutMs: request.pongTimeoutMs } : {}),
    ...(request.pongTimeoutAction !== undefined ? { pongTimeoutAction: request.pongTimeoutAction } : {}),
    ...(request.autoPong !== undefined ? { autoPong: request.autoPong } : {}),
  };
}

export function createInspector(options: InspectorOptions): Inspector {
  const clock = options.clock ?? createSessionClock();
  const version = appVersion();
  const header = createSessionHeader(clock.startedAt, `wsi ${version} (${options.shell})`);
  const stages = options.stages ?? defaultProtocolStages();
  const keepRecords = options.keepRecords ?? true;
  const log = new EventLog({ retain: keepRecords });
  const connections = new Map<ConnectionId, ClientConnection>();
  const proxyController = options.proxyController;
  // Shared memory, so a relay running in another thread hands out ids from the same sequence.
  const connectionIds = new Int32Array(new SharedArrayBuffer(4));
  const nextConnectionId = (): ConnectionId => `c${Atomics.add(connectionIds, 0, 1) + 1}`;

  // A session file meant to carry full payloads must not have them cut by the rate limit.
  const previewRateLimit =
    options.previewRateLimit ?? (options.fullPayloadsInSession ? 0 : DEFAULT_PREVIEW_RATE_LIMIT);
  const payloadStore = new PayloadStore({
    ...(options.maxStoredPayload !== undefined ? { maxPayload: options.maxStoredPayload } : {}),
    ...(options.payloadBudget !== undefined ? { budget: options.payloadBudget } : {}),
  });
  const proxySession: ProxySession = {
    now: () => clock.now(),
    startedAt: clock.startedAt,
    producer: header.producer,
    allocateConnection: nextConnectionId,
    connectionIds: connectionIds.buffer,
    ingest: (events) => {
      for (const event of events) ingest(event);
    },
    // Only a session that keeps records can serve "Load full payload" from memory.
    ...(keepRecords && payloadStore.maxPayload > 0 ? { payloads: payloadStore } : {}),
    ...(options.maxCapturedPayload !== undefined ? { maxCapturedPayload: options.maxCapturedPayload } : {}),
    previewRateLimit,
  };
  // The proxy's capture worker writes the session file itself where it can: its records then never pass through
  // this thread on their way to the disk.
  const fileAdopted =
    options.sessionPath !== undefined &&
    proxyController?.adoptSessionFile?.(
      {
        path: options.sessionPath,
        header,
        fullPayloads: options.fullPayloadsInSession ?? false,
        maxStoredPayload: options.maxStoredPayload ?? DEFAULT_MAX_STORED_PAYLOAD,
      },
      proxySession,
      (error) => options.onWriteError?.(error),
    ) === true;
  const pipelineReady = proxyController?.prepare?.(proxySession);
  const writer =
    options.sessionPath && !fileAdopted
      ? new SessionWriter(
          options.sessionPath,
          header,
          options.onWriteError ? { onError: options.onWriteError } : {},
        )
      : undefined;
  const toSessionFile = options.fullPayloadsInSession
    ? (batch: CaptureEvent[]): CaptureEvent[] => withFullPayloads(batch, payloadStore)
    : (batch: CaptureEvent[]): CaptureEvent[] => batch;
  // Kept records are bounded by the budget (see MemoryBudget) while the file gets every record, from a log of its
  // own. With nothing kept there is nothing to bound: the file and the subscribers share the one log.
  const budget = keepRecords
    ? new MemoryBudget(options.memoryBudget ?? defaultMemoryBudget(), (event) => log.append(event))
    : undefined;
  const fileLog = !writer ? undefined : budget ? new EventLog({ retain: false }) : log;
  const stopWriting = fileLog?.subscribe((batch) => writer?.append(toSessionFile(batch)));

  /** Into the session's memory (within the budget) and to its subscribers. */
  const keep = budget
    ? (event: CaptureEvent) => budget.admit(event)
    : (event: CaptureEvent) => log.append(event);
  /**
   * Records the capture worker made, and (below) those made here. The file's own log, when there is one, gets them
   * too; a file the capture worker writes has them already.
   */
  const separateFileLog = fileLog !== log ? fileLog : undefined;
  const ingest = separateFileLog
    ? (event: CaptureEvent): void => {
        separateFileLog.append(event);
        keep(event);
      }
    : keep;
  /** Records made on this thread (client connections). */
  const emit = fileAdopted
    ? (event: CaptureEvent): void => {
        proxyController?.appendToSessionFile?.([event]);
        ingest(event);
      }
    : ingest;

  const makeRecorder = (identity: ConnectionIdentity & { leg?: Leg }): ConnectionRecorder =>
    new ConnectionRecorder({
      ...identity,
      leg: identity.leg ?? (identity.mode === 'proxy' ? 'downstream' : 'direct'),
      conn: nextConnectionId(),
      clock,
      emit,
      stages,
      ...(options.maxCapturedPayload !== undefined ? { maxCapturedPayload: options.maxCapturedPayload } : {}),
      previewRateLimit,
      ...(payloadStore.maxPayload > 0 ? { payloads: payloadStore } : {}),
      // Lines made in the capture worker are only right for records written as recorded (not with full payloads).
      serializedLines: writer !== undefined && !options.fullPayloadsInSession,
    });

  /**
   * Client connections record through the proxy's capture pipeline where there is one (parsed in the capture
   * worker, like proxied connections), else on this thread.
   */
  const clientRecorder = (identity: Omit<ClientIdentity, 'conn'>): ClientRecorder => {
    const pipeline = proxyController?.clientRecorders?.(proxySession);
    return pipeline
      ? pipeline({ ...identity, conn: nextConnectionId() })
      : makeRecorder({ mode: 'client', ...identity });
  };
  /** Recorders of client connections that have not ended. */
  const unfinished = new Map<ConnectionId, ClientRecorder>();

  const connectionFor = (conn: string): ClientConnection => {
    const connection = connections.get(conn);
    if (!connection) throw new UnknownConnectionError(`no client connection "${conn}"`);
    return connection;
  };

  const requireProxy = (): ProxyController => {
    if (!proxyController) throw new ProxyUnavailableError();
    return proxyController;
  };

  /** Connections the user closed or aborted: their end is not a reason to reconnect. */
  const closedByUser = new Set<ConnectionId>();
  /** Every connection of a reconnect chain, mapped to its chain. */
  const chains = new Map<ConnectionId, ReconnectChain>();
  const reconnectListeners = new Set<(notice: ReconnectNotice) => void>();
  const storms = new Set<ReturnType<typeof runStorm>>();
  let disposing = false;

  const notifyReconnect = (notice: ReconnectNotice): void => {
    for (const listener of reconnectListeners) listener(notice);
  };

  /** Start one client connection (a first attempt, a reconnect, or one of a storm) and return its id. */
  const openClient = (
    request: RequestOf<'connect'>,
    link?: ReconnectLink,
    hooks: { onOpen?: () => void; onEnd?: () => void } = {},
  ): ConnectionId => {
    if (disposing) throw new Error('the inspector is shutting down');
    parseWebSocketUrl(request.url);
    const authorized = applyAuth(request.url, request.headers ?? [], request.auth);
    const url = parseWebSocketUrl(authorized.url);
    const recorder = clientRecorder({
      url: url.href,
      options: {
        ...(request.protocols ? { protocols: request.protocols } : {}),
        ...(request.insecure !== undefined ? { insecure: request.insecure } : {}),
        ...(request.pingIntervalMs !== undefined ? { pingIntervalMs: request.pingIntervalMs } : {}),
        ...(request.auth ? { auth: request.auth.kind } : {}),
        ...(request.heartbeat ? { heartbeat: request.heartbeat } : {}),
        ...pongOptions(request),
        ...(request.reconnect ? { reconnect: request.reconnect } : {}),
      },
      ...(link ? { link } : {}),
    });
    const conn = recorder.conn;
    const chain = link ? chains.get(link.reconnectOf) : undefined;
    if (chain) chains.set(conn, chain);
    try {
      const connection = new ClientConnection({
        url: url.href,
        ...(authorized.headers.length > 0 ? { headers: authorized.headers } : {}),
        ...(request.protocols ? { protocols: request.protocols } : {}),
        ...(request.insecure !== undefined ? { insecure: request.insecure } : {}),
        ...(request.pingIntervalMs !== undefined ? { pingIntervalMs: request.pingIntervalMs } : {}),
        ...(request.heartbeat ? { heartbeat: request.heartbeat } : {}),
        ...pongOptions(request),
        recorder,
        ...(hooks.onOpen ? { onOpen: hooks.onOpen } : {}),
        onEnd: () => {
          unfinished.delete(conn);
          hooks.onEnd?.();
          chains.get(conn)?.connectionEnded(conn, closedByUser.has(conn) || disposing);
        },
      });
      connections.set(conn, connection);
      unfinished.set(conn, recorder);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      recorder.error('INVALID_REQUEST', message, 'client');
      recorder.end();
      throw new TypeError(message);
    }
    return conn;
  };

  const startStorm = (request: RequestOf<'storm'>): ReturnType<typeof runStorm> => {
    if (disposing) throw new Error('the inspector is shutting down');
    const { count, concurrency, intervalMs, holdMs, ...connectOptions } = request;
    parseWebSocketUrl(request.url);
    applyAuth(request.url, request.headers ?? [], request.auth);
    const storm = runStorm(
      {
        count,
        concurrency: concurrency ?? Math.min(count, DEFAULT_STORM_CONCURRENCY),
        intervalMs: intervalMs ?? 0,
        holdMs: holdMs ?? 0,
      },
      {
        open: (hooks) => openClient(connectOptions, undefined, hooks),
        close: (conn) => {
          const connection = connections.get(conn);
          if (!connection || connection.isEnded) return;
          closedByUser.add(conn);
          try {
            connection.close(1000, '');
          } catch {
            connection.abort();
          }
        },
      },
    );
    storms.add(storm);
    void storm.finished.then(() => storms.delete(storm));
    return storm;
  };

  const inspector: Inspector = {
    header,
    clock,

    getInfo: () => Promise.resolve({ shell: options.shell, version, session: header }),

    connect: (request: RequestOf<'connect'>) =>
      attempt(() => {
        const conn = openClient(request);
        if (request.reconnect) {
          const chain = new ReconnectChain(conn, request.reconnect, {
            open: (link) => openClient(request, link),
            notify: (notice) => notifyReconnect(notice),
          });
          chains.set(conn, chain);
        }
        return { conn };
      }),

    stopReconnect: (request: RequestOf<'stopReconnect'>) =>
      attempt(() => {
        connectionFor(request.conn);
        chains.get(request.conn)?.stop();
      }),

    storm: (request: RequestOf<'storm'>) =>
      attempt(() => startStorm(request).started.then((conns) => ({ conns }))),

    runStorm: (request: RequestOf<'storm'>) =>
      attempt(() => startStorm(request).finished.then((conns) => ({ conns }))),

    send: (request: RequestOf<'send'>) =>
      attempt(() => connectionFor(request.conn).send(request.kind, request.data)),

    replay: (request: RequestOf<'replay'>) => runReplay(inspector, request),

    ping: (request: RequestOf<'ping'>) => attempt(() => connectionFor(request.conn).ping(request.data)),

    close: (request: RequestOf<'close'>) =>
      attempt(() => {
        const connection = connectionFor(request.conn);
        closedByUser.add(request.conn);
        chains.get(request.conn)?.stop();
        connection.close(request.code ?? 1000, request.reason ?? '');
      }),

    snapshot: () => {
      if (!keepRecords)
        return Promise.reject(
          new RecordsNotKeptError(
            options.sessionPath
              ? `this session keeps no records in memory; they are in ${options.sessionPath}`
              : 'this session keeps no records in memory',
          ),
        );
      log.flush();
      const snapshot: SessionSnapshot = { header, events: [...log.events], problems: [] };
      return Promise.resolve(snapshot);
    },

    openSession: (request: RequestOf<'openSession'>) => {
      const { session, problems } = readSessionText(request.name, request.content);
      return Promise.resolve({ header: session.header, events: session.events, problems });
    },

    startProxy: (request: RequestOf<'startProxy'>) =>
      attempt(() =>
        requireProxy().start(request, (info) => makeRecorder({ mode: 'proxy', ...info }), proxySession),
      ),

    stopProxy: (request: RequestOf<'stopProxy'>) => attempt(() => requireProxy().stop(request.id)),

    injectFault: (request: RequestOf<'injectFault'>) =>
      attempt(() => {
        const client = connections.get(request.conn);
        if (client) {
          if (request.fault.kind !== 'rst')
            throw new TypeError(
              `a client connection supports only the "rst" fault (use close to send a close frame); "${request.fault.kind}" needs a proxied connection`,
            );
          // Not a user close: a reconnect chain reacts to it as to any other drop.
          return client.abort();
        }
        if (!proxyController?.injectFault)
          throw new UnknownConnectionError(`no connection "${request.conn}"`);
        return proxyController.injectFault(request.conn, request.fault);
      }),

    injectMessage: (request: RequestOf<'injectMessage'>) =>
      attempt(() => {
        if (connections.has(request.conn))
          throw new TypeError(
            `"${request.conn}" is the inspector's own client connection: send with the composer; injection needs a proxied connection`,
          );
        if (!proxyController?.injectMessage)
          throw new UnknownConnectionError(`no connection "${request.conn}"`);
        return proxyController.injectMessage(request);
      }),

    setBreakpoints: (request: RequestOf<'setBreakpoints'>) =>
      attempt(() => {
        const controller = requireProxy();
        if (!controller.setBreakpoints) throw new ProxyUnavailableError();
        return controller.setBreakpoints(request);
      }),

    getBreakpoints: () => attempt(() => proxyController?.getBreakpoints?.() ?? { rules: [] }),

    listHeld: (): Promise<HeldMessage[]> => attempt(() => proxyController?.listHeld?.() ?? []),

    releaseHeld: (request: RequestOf<'releaseHeld'>) =>
      attempt(() => {
        const controller = requireProxy();
        if (!controller.releaseHeld) throw new ProxyUnavailableError();
        return controller.releaseHeld(request);
      }),

    listProxies: (): Promise<ProxyInfo[]> => attempt(() => (proxyController ? proxyController.list() : [])),

    getPayload: (request: RequestOf<'getPayload'>) =>
      attempt(() => {
        const bytes = payloadStore.require(request.conn, request.ref);
        return { base64: toBase64(bytes), size: bytes.length };
      }),

    openInspectedBrowser: () =>
      Promise.reject(
        new Error(
          'an inspected browser window needs the desktop app; here, start a forward proxy and point a browser at it',
        ),
      ),

    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
      if (event === 'capture') {
        return log.subscribe((events) => (listener as (payload: CaptureBatch) => void)({ events }));
      }
      if (event === 'reconnect') {
        const notify = listener as (payload: ReconnectNotice) => void;
        reconnectListeners.add(notify);
        return () => reconnectListeners.delete(notify);
      }
      if (event === 'proxies' && proxyController?.onChange) {
        return proxyController.onChange(listener as (payload: ProxyInfo[]) => void);
      }
      if (event === 'held' && proxyController?.onHeld) {
        return proxyController.onHeld(listener as (payload: HeldMessage[]) => void);
      }
      return () => undefined;
    },

    createRecorder: ({ mode: _mode, ...info }) => makeRecorder({ mode: 'proxy', ...info }),

    flush: () => {
      log.flush();
      fileLog?.flush();
    },

    ready: async () => {
      await pipelineReady;
    },

    dispose: async () => {
      disposing = true;
      for (const storm of storms) storm.cancel();
      for (const chain of new Set(chains.values())) chain.stop();
      for (const connection of connections.values()) {
        if (!connection.isEnded) connection.abort();
      }
      // Let aborted sockets report their last records (before the proxy's capture, which may write the session
      // file, stops); one that has not by then ends its recording here.
      await new Promise((resolve) => setTimeout(resolve, 10));
      for (const recorder of unfinished.values()) recorder.end();
      unfinished.clear();
      await proxyController?.dispose?.();
      log.flush();
      fileLog?.flush();
      stopWriting?.();
      await writer?.close();
    },
  };
  return inspector;
}

/** Run an action as a promise: anything it throws becomes a rejection carrying the user-facing message. */
function attempt<T>(action: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(action());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
