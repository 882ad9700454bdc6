import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { InspectorApi, SessionSnapshot, Unsubscribe } from '../../../shared/api/contract.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { toHar, toPcapng } from '../../../shared/export/index.js';
import { redactSession } from '../../../shared/redact/index.js';
import { createSessionHeader, serializeSession } from '../../../shared/session/index.js';
import type { Session } from '../../../shared/model/session.js';
import type { CoreLinkState } from '../api/bridge-transport.js';
import { base64ToBytes } from '../format/bytes.js';
import { HotLog } from './hot-log.js';
import type { Ingest, Scheduler } from './ingest.js';
import { adaptiveFrameScheduler, createIngest } from './ingest.js';
import type { ColumnarLog } from './columnar-log.js';
import type { ConnKey, SourceId } from './keys.js';
import { connKey, LIVE_SOURCE } from './keys.js';
import { RowIndex } from './rows.js';
import { defaultPort, SearchEngine } from '../filters/search-engine.js';
import { ingestSessionFile } from './session-file-ingest.js';
import { ingestSessionStream } from './session-stream-ingest.js';
import type { SessionStreamTarget } from './session-stream-ingest.js';
import type { ExportControl } from './export-job.js';
import { collectRecords, ExportCancelled, serializeInSlices } from './export-job.js';
import type { CommandSlice } from './slices/command-slice.js';
import type { DataSlice, SourceInfo } from './slices/data-slice.js';
import { initialDataSlice } from './slices/data-slice.js';
import type { LinkSlice, Notice } from './slices/link-slice.js';
import { initialLinkSlice } from './slices/link-slice.js';
import type { ProxySlice } from './slices/proxy-slice.js';
import { initialProxySlice } from './slices/proxy-slice.js';
import type { UiSlice } from './slices/ui-slice.js';
import { createUiSlice } from './slices/ui-slice.js';
import { liveEventsAfterSnapshot } from './sync.js';

export type InspectorState = DataSlice & UiSlice & LinkSlice & ProxySlice & CommandSlice;

export interface LinkSource {
  state(): CoreLinkState;
  onState(listener: (state: CoreLinkState) => void): Unsubscribe;
}

export interface InspectorStoreOptions {
  /** How flushes are scheduled; defaults to once per animation frame. Tests pass a manual scheduler. */
  schedule?: Scheduler;
  /** Health of the link to the core; the store re-synchronises after a reconnect. */
  link?: LinkSource;
  shell?: 'electron' | 'browser';
  /** Where text and regex filters run; defaults to a worker where the page has workers, else this thread. */
  search?: SearchEngine | null;
}

export interface InspectorStore extends StoreApi<InspectorState> {
  readonly hot: HotLog;
  readonly rowIndex: RowIndex;
  /** The text searcher (a worker where the page has workers); the session-wide search uses it directly. */
  readonly search: SearchEngine | null;
  readonly ingest: Ingest;
  /** Subscribe to live captures and load the snapshot; resolves once the snapshot is in the store. */
  start(): Promise<void>;
  dispose(): void;
}

const fileStamp = (startedAt: number): string => new Date(startedAt).toISOString().replace(/[:.]/g, '-');

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function createInspectorStore(api: InspectorApi, options: InspectorStoreOptions = {}): InspectorStore {
  const hot = new HotLog();
  const search =
    options.search === undefined
      ? typeof Worker === 'function'
        ? new SearchEngine(defaultPort())
        : null
      : options.search;
  const rowIndex = new RowIndex(search ?? undefined);
  let noticeId = 0;
  let fileCount = 0;
  const cleanups: Unsubscribe[] = [];

  const store = createStore<InspectorState>()((set, get, storeApi) => {
    const notify = (kind: Notice['kind'], text: string): void =>
      set({ notice: { id: ++noticeId, kind, text } });
    const attempt = async (what: string, action: () => Promise<unknown>): Promise<boolean> => {
      try {
        await action();
        return true;
      } catch (error) {
        notify('error', `${what} failed: ${errorText(error)}`);
        return false;
      }
    };
    const streamTarget = (): SessionStreamTarget => ({
      ingest,
      nextSourceId: () => `file${++fileCount}`,
      putSource: addSource,
      removeSource: (source) => {
        ingest.resetSource(source);
        set((state) => {
          const { [source]: _removed, ...sources } = state.sources;
          return { sources };
        });
      },
      connectionsOf: (source) => get().connectionOrder.filter((key) => key.startsWith(`${source}/`)),
      // A file opens at its first rows, as a document does; the tail is one End key away.
      select: (key) => get().select(key, false),
      notify,
    });
    const connOf = (key: ConnKey): string => {
      const view = get().connections[key];
      if (!view || view.readOnly) throw new Error('not a live connection');
      return view.conn;
    };

    return {
      ...initialDataSlice(),
      ...initialLinkSlice(options.shell),
      ...initialProxySlice(),
      ...createUiSlice(set, get, storeApi),
      connect: (request) =>
        attempt('Connect', async () => {
          const { conn } = await api.connect(request);
          ingest.flush();
          const key = connKey(LIVE_SOURCE, conn);
          set((state) => ({ connectRequests: { ...state.connectRequests, [key]: request } }));
          get().select(key);
        }),
      sendText: (key, text) =>
        attempt('Send', () => api.send({ conn: connOf(key), kind: 'text', data: text })),
      sendBinary: (key, base64) =>
        attempt('Send', () => api.send({ conn: connOf(key), kind: 'binary', data: base64 })),
      ping: (key, data) =>
        attempt('Ping', () =>
          api.ping(data === undefined ? { conn: connOf(key) } : { conn: connOf(key), data }),
        ),
      closeConnection: (key, code, reason) =>
        attempt('Close', () => {
          const request: { conn: string; code?: number; reason?: string } = { conn: connOf(key) };
          if (code !== undefined) request.code = code;
          if (reason) request.reason = reason;
          return api.close(request);
        }),
      openSessionFile: (name, content) =>
        attempt(`Opening ${name}`, async () => {
          const snapshot = await api.openSession({ name, content });
          const source: SourceId = `file${++fileCount}`;
          addSource({
            id: source,
            label: name,
            readOnly: true,
            startedAt: snapshot.header.startedAt,
            problems: snapshot.problems,
            ...(snapshot.header.imported ? { imported: snapshot.header.imported } : {}),
          });
          ingest.push(source, snapshot.events);
          ingest.flush();
          const first = get().connectionOrder.find((key) => key.startsWith(`${source}/`));
          if (first) get().select(first, false);
          const firstProblem = snapshot.problems[0];
          if (snapshot.events.length === 0)
            notify(
              firstProblem ? 'error' : 'info',
              firstProblem
                ? `${name}: ${firstProblem.message}`
                : snapshot.header.imported
                  ? `${name} contains no WebSocket connections.`
                  : `${name} contains no records.`,
            );
          else if (snapshot.problems.length) {
            notify(
              'error',
              snapshot.header.imported
                ? `${name}: ${snapshot.problems.length} problem(s) reading the HAR.`
                : `${name}: ${snapshot.problems.length} line(s) could not be read.`,
            );
          }
        }),
      openSessionStream: (name, chunks, streamOptions) =>
        ingestSessionStream(streamTarget(), name, chunks, streamOptions),
      openSessionInWorker: (file, streamOptions) =>
        ingestSessionFile(
          {
            ...streamTarget(),
            ...(search ? { rowsRead: search.holdFeeding() } : {}),
            setAnalysis: (source, conn, analysis) => {
              const log = hot.get(connKey(source, conn));
              if (log) log.analysis = analysis;
            },
            sealSource: (source) => {
              const logs = get()
                .connectionOrder.filter((key) => key.startsWith(`${source}/`))
                .flatMap((key) => hot.get(key)?.events ?? []);
              trimInSlices(logs);
            },
          },
          file,
          streamOptions,
        ),
      startProxy: (request) =>
        attempt('Starting the proxy', async () => {
          const info = await api.startProxy(request);
          set((state) => ({ proxies: [...state.proxies.filter((p) => p.id !== info.id), info] }));
        }),
      stopProxy: (id) =>
        attempt('Stopping the proxy', async () => {
          await api.stopProxy({ id });
          set((state) => ({ proxies: state.proxies.filter((p) => p.id !== id) }));
        }),
      stopReconnect: (key) =>
        attempt('Stopping the reconnects', () => api.stopReconnect({ conn: connOf(key) })),
      injectFault: (key, fault) =>
        attempt('Injecting the fault', () => api.injectFault({ conn: connOf(key), fault })),
      injectMessage: (key, request) =>
        attempt('Injecting the message', () => api.injectMessage({ conn: connOf(key), ...request })),
      setBreakpoints: (settings) =>
        attempt('Setting the breakpoints', async () => {
          await api.setBreakpoints(settings);
          set({ breakpoints: settings });
        }),
      releaseHeld: (request) =>
        attempt('Releasing the held message', async () => {
          await api.releaseHeld(request);
          // Gone at once here; the core's next `held` push confirms it.
          set((state) => ({ held: state.held.filter((h) => h.id !== request.id) }));
        }),
      replay: async (request) => {
        try {
          return await api.replay(request);
        } catch (error) {
          notify('error', `The replay failed: ${errorText(error)}`);
          return null;
        }
      },
      loadPayload: async (key, ref) => {
        try {
          const { base64 } = await api.getPayload({ conn: connOf(key), ref });
          return base64ToBytes(base64);
        } catch (error) {
          notify('error', `Loading the full payload failed: ${errorText(error)}`);
          return null;
        }
      },
      storm: (request) =>
        attempt('The storm', async () => {
          const { conns } = await api.storm(request);
          notify('info', `Storm: started ${conns.length} connections to ${request.url}.`);
        }),
      openInspectedBrowser: (url) =>
        attempt('Opening the browser window', async () => {
          const { proxy } = await api.openInspectedBrowser({ url });
          set((state) => ({ proxies: [...state.proxies.filter((p) => p.id !== proxy.id), proxy] }));
          notify(
            'info',
            `Opened a browser window; its traffic goes through the forward proxy on ${proxy.address}.`,
          );
        }),
      exportLiveSession: async () => {
        try {
          const snapshot = await api.snapshot();
          return {
            name: `wsi-session-${fileStamp(snapshot.header.startedAt)}.jsonl`,
            text: serializeSession({ header: snapshot.header, events: snapshot.events }),
          };
        } catch (error) {
          notify('error', `Saving the session failed: ${errorText(error)}`);
          return null;
        }
      },
      exportSession: async (source, format, rules, control = {}) => {
        try {
          const recorded =
            source === LIVE_SOURCE ? await api.snapshot() : await openedSession(source, control);
          const session = rules ? redactSession(recorded, rules) : recorded;
          const label = get().sources[source]?.label ?? source;
          const base =
            source === LIVE_SOURCE
              ? `${rules ? 'wsi-shared' : 'wsi-session'}-${fileStamp(recorded.header.startedAt)}`
              : `${label.replace(/\.(jsonl|json|har)$/i, '')}${rules ? '-shared' : ''}`;
          const redaction = rules ? (session.header.redaction ?? { rules: [] }) : null;
          if (format !== 'session') {
            // One pass over the whole session in shared/export: shown as a step, not counted.
            control.onProgress?.({ phase: 'building', done: 0, total: session.events.length });
            await new Promise((resolve) => setTimeout(resolve, 0));
            if (control.signal?.aborted) throw new ExportCancelled();
          }
          if (format === 'har')
            return {
              name: `${base}.har`,
              data: JSON.stringify(toHar(session), null, 2) + '\n',
              type: 'application/json',
              redaction,
            };
          if (format === 'pcapng')
            return {
              name: `${base}.pcapng`,
              data: toPcapng(session),
              type: 'application/vnd.tcpdump.pcap',
              redaction,
            };
          return {
            name: `${base}.jsonl`,
            data: await serializeInSlices(session, control),
            type: 'application/x-ndjson',
            redaction,
          };
        } catch (error) {
          if (error instanceof ExportCancelled) return null;
          notify('error', `Exporting the session failed: ${errorText(error)}`);
          return null;
        }
      },
      dismissNotice: () => set({ notice: null }),
    };
  });

  /** An opened file's records as a session, from the hot log (complete once the file is read), gathered in slices. */
  async function openedSession(source: SourceId, control: ExportControl): Promise<Session> {
    const info = store.getState().sources[source];
    if (!info) throw new Error(`no source ${source}`);
    if (info.loading) throw new Error(`${info.label} is still being read`);
    const logs = store
      .getState()
      .connectionOrder.filter((key) => key.startsWith(`${source}/`))
      .flatMap((key) => {
        const log = hot.get(key);
        return log ? [log.events] : [];
      });
    const total = logs.reduce((sum, events) => sum + events.length, 0);
    const events = await collectRecords(
      logs.map((events) => events.range()),
      total,
      control,
    );
    return {
      header: createSessionHeader(info.startedAt, `websocket-inspector (from ${info.label})`),
      events,
    };
  }

  const readOnly = (source: SourceId): boolean =>
    store.getState().sources[source]?.readOnly ?? source !== LIVE_SOURCE;
  const ingest = createIngest(store, hot, readOnly, options.schedule ?? adaptiveFrameScheduler(), (key) =>
    rowIndex.forget(key),
  );

  /** Gives the logs' spare capacity back a few columns per task, so the page keeps answering input meanwhile. */
  function trimInSlices(logs: readonly ColumnarLog[]): void {
    const steps = logs.map((log) => log.trimSteps());
    const slice = (): void => {
      const until = performance.now() + 8;
      while (steps.length > 0 && performance.now() < until) if (steps[0]!.next().done) steps.shift();
      if (steps.length > 0) setTimeout(slice, 0);
    };
    slice();
  }

  function addSource(info: SourceInfo): void {
    store.setState((state) => ({ sources: { ...state.sources, [info.id]: info } }));
  }

  let syncing: CaptureEvent[] | null = null;
  let syncRun = 0;

  /** Snapshot first, then live batches; batches arriving meanwhile are de-duplicated against the snapshot. */
  async function synchronise(): Promise<void> {
    const run = ++syncRun;
    syncing = [];
    let snapshot: SessionSnapshot;
    try {
      snapshot = await api.snapshot();
    } catch (error) {
      if (run === syncRun) syncing = null;
      store.setState({
        notice: { id: ++noticeId, kind: 'error', text: `Loading the session failed: ${errorText(error)}` },
      });
      return;
    }
    if (run !== syncRun) return;
    const buffered = syncing;
    syncing = null;
    ingest.resetSource(LIVE_SOURCE);
    addSource({
      id: LIVE_SOURCE,
      label: 'Live',
      readOnly: false,
      startedAt: snapshot.header.startedAt,
      problems: snapshot.problems,
    });
    ingest.push(LIVE_SOURCE, snapshot.events);
    ingest.push(LIVE_SOURCE, liveEventsAfterSnapshot(snapshot.events, buffered));
    ingest.flush();
    // Proxies are optional in a core; a failure here only means there is nothing to list.
    api.listProxies().then(
      (proxies) => store.setState({ proxies }),
      () => undefined,
    );
    api.listHeld().then(
      (held) => store.setState({ held }),
      () => undefined,
    );
    api.getBreakpoints().then(
      (breakpoints) => store.setState({ breakpoints }),
      () => undefined,
    );
  }

  function start(): Promise<void> {
    // The core's pushed events enter the store here and nowhere else.
    cleanups.push(
      api.on('capture', (batch) => {
        if (syncing) syncing.push(...batch.events);
        else ingest.push(LIVE_SOURCE, batch.events);
      }),
      api.on('proxies', (proxies) => store.setState({ proxies })),
      api.on('held', (held) => store.setState({ held })),
      api.on('reconnect', (notice) =>
        store.setState((state) => ({
          reconnects: { ...state.reconnects, [connKey(LIVE_SOURCE, notice.chain)]: notice },
        })),
      ),
    );
    const link = options.link;
    if (link) {
      store.setState({ link: link.state() });
      let wasDisconnected = false;
      cleanups.push(
        link.onState((state) => {
          store.setState({ link: state });
          if (state === 'disconnected') wasDisconnected = true;
          if (state === 'connected' && wasDisconnected) {
            wasDisconnected = false;
            void synchronise();
          }
        }),
      );
      if (link.state() !== 'connected') {
        // The bridge socket is still opening: synchronise as soon as it is up.
        return new Promise((resolve) => {
          const off = link.onState((state) => {
            if (state !== 'connected') return;
            off();
            void synchronise().then(resolve);
          });
          cleanups.push(off);
        });
      }
    } else {
      store.setState({ link: 'connected' });
    }
    return synchronise();
  }

  return Object.assign(store, {
    hot,
    rowIndex,
    search,
    ingest,
    start,
    dispose() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      search?.dispose();
    },
  });
}
