import type {
  BreakpointSettings,
  ReleaseHeldRequest,
  ConnectionFault,
  ConnectRequest,
  InjectMessageRequest,
  ReplayRequest,
  ReplayResult,
  StartProxyRequest,
  StormRequest,
} from '../../../../shared/api/contract.js';
import type { RedactionSummary } from '../../../../shared/model/session.js';
import type { RedactionRule } from '../../../../shared/redact/index.js';
import type { ConnKey, SourceId } from '../keys.js';
import type { SessionStreamOptions, SessionStreamOutcome } from '../session-stream-ingest.js';

/** What the live session can be exported as: a session file, a HAR (DevTools), a pcapng (Wireshark). */
import type { ExportControl } from '../export-job.js';

export type ExportFormat = 'session' | 'har' | 'pcapng';

export interface ExportedFile {
  name: string;
  data: string | Uint8Array;
  /** MIME type for the download. */
  type: string;
  /** What each redaction rule replaced; null when exported without redaction. */
  redaction: RedactionSummary | null;
}

/** User intents that call the core. Implemented in create-store.ts where the API and the ingest are in scope. */
export interface CommandSlice {
  connect: (request: ConnectRequest) => Promise<boolean>;
  sendText: (key: ConnKey, text: string) => Promise<boolean>;
  /** `base64` is the already-encoded payload. */
  sendBinary: (key: ConnKey, base64: string) => Promise<boolean>;
  ping: (key: ConnKey, data?: string) => Promise<boolean>;
  closeConnection: (key: ConnKey, code?: number, reason?: string) => Promise<boolean>;
  openSessionFile: (name: string, content: string) => Promise<boolean>;
  /** Opens a session file read-only from a stream of its text (large files); same result as `openSessionFile`. */
  openSessionStream: (
    name: string,
    chunks: ReadableStream<string>,
    options?: SessionStreamOptions,
  ) => Promise<SessionStreamOutcome>;
  /** The same for a file read by a worker (parsing, validation and analysis off the page's thread). */
  openSessionInWorker: (file: File, options?: SessionStreamOptions) => Promise<SessionStreamOutcome>;
  startProxy: (request: StartProxyRequest) => Promise<boolean>;
  stopProxy: (id: string) => Promise<boolean>;
  stopReconnect: (key: ConnKey) => Promise<boolean>;
  /** Proxied live connections (client connections: 'rst' only); the core records it as an action 'fault'. */
  injectFault: (key: ConnKey, fault: ConnectionFault) => Promise<boolean>;
  /** A message of the inspector's own into an open proxied live connection. */
  injectMessage: (key: ConnKey, request: Omit<InjectMessageRequest, 'conn'>) => Promise<boolean>;
  /** Replaces the proxies' message breakpoints. */
  setBreakpoints: (settings: BreakpointSettings) => Promise<boolean>;
  /** Forward, edit or drop a held message. */
  releaseHeld: (request: ReleaseHeldRequest) => Promise<boolean>;
  /** The full payload behind a truncated record's `ref`, or null when it could not be had (a notice says why). */
  loadPayload: (key: ConnKey, ref: string) => Promise<Uint8Array | null>;
  storm: (request: StormRequest) => Promise<boolean>;
  /** Replays client messages on a new live connection; the result, or null when it failed (a notice says why). */
  replay: (request: ReplayRequest) => Promise<ReplayResult | null>;
  /** Desktop app only: a browser window whose traffic goes through a forward proxy of this inspector. */
  openInspectedBrowser: (url: string) => Promise<boolean>;
  /** The live session as session-file text (from a fresh snapshot), or null when that failed (a notice says why). */
  exportLiveSession: () => Promise<{ name: string; text: string } | null>;
  /**
   * The live session (a fresh snapshot) or an opened file as a session file, HAR or pcapng (shared/export's
   * exporters, as `wsi export` uses them), redacted with `rules` when given (with what each rule replaced); null when
   * that failed (a notice says why).
   */
  exportSession: (
    source: SourceId,
    format: ExportFormat,
    rules: RedactionRule[] | null,
    /** Progress (records gathered, then written) and Cancel; a cancelled export resolves to null. */
    control?: ExportControl,
  ) => Promise<ExportedFile | null>;
  dismissNotice: () => void;
}
