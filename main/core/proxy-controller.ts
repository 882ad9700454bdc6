import type {
  InjectMessageRequest,
  ConnectionFault,
  ProxyInfo,
  StartProxyRequest,
  Unsubscribe,
} from '../../shared/api/contract.js';
import type { Leg } from '../../shared/model/wire.js';
import type { ConnectionRecorder } from '../capture/connection-recorder.js';

/** What a proxied connection tells the session about itself when it starts. */
export interface ProxiedConnectionInfo {
  /** The URL the client asked for (as the proxy understood it). */
  url: string;
  /** The client's address, host:port. */
  peer?: string;
  /** The upstream target, host:port or URL. */
  target?: string;
  /** The leg whose bytes the recorder's `onBytes` parses. Default 'downstream' for proxied connections. */
  leg?: Leg;
}

/** Creates a recorder attached to the live session (emits the `connection` record at once, with a fresh id). */
export type RecorderFactory = (info: ProxiedConnectionInfo) => ConnectionRecorder;

/** Implemented by main/proxy; injected into the inspector so the core does not depend on the proxy. */
export interface ProxyController {
  start(request: StartProxyRequest, recorderFactory: RecorderFactory): Promise<ProxyInfo>;
  stop(id: string): Promise<void>;
  list(): ProxyInfo[] | Promise<ProxyInfo[]>;
  /** Optional: notify when a proxy starts, stops, fails or its connection count changes. */
  onChange?(listener: (proxies: ProxyInfo[]) => void): Unsubscribe;
  /** Optional: inject a fault into an open proxied connection; throws when there is no such connection. */
  injectFault?(conn: string, fault: ConnectionFault): void;
  /** Optional: write a message into one direction of an open proxied connection; throws when it cannot. */
  injectMessage?(request: InjectMessageRequest): void;
  /** Optional: stop everything (called by inspector.dispose()). */
  dispose?(): Promise<void>;
}

export class ProxyUnavailableError extends Error {
  override name = 'ProxyUnavailableError';
  constructor() {
    super('proxy not available: this inspector was started without a proxy controller');
  }
}
