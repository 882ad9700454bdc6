import type { Breakpoints } from './breakpoints/breakpoints.js';
import type { ProxyFaults, ScenarioStep } from '../../shared/api/contract.js';
import type { CaptureFactory } from './capture.js';
import type { FaultRegistry } from './faults/fault-registry.js';
import { UpgradeGate } from './faults/upgrade-gate.js';
import { ScenarioSchedule } from './faults/scenario-schedule.js';
import type { ProxyConnectionOptions } from './proxy-connection.js';
import { sharedDrainer } from './tap-drainer.js';
import { defaultMaxConnections, type ListenerLimits, type RefusalCounts } from './proxy-listener.js';

/** Options both proxy modes share. */
export interface CommonProxyOptions {
  /** Default 127.0.0.1: the proxy is reachable from other machines only when asked. */
  listenHost?: string;
  /** Default 0 (any free port). */
  listenPort?: number;
  /** Accept invalid upstream TLS certificates. */
  insecure?: boolean;
  capture: CaptureFactory;
  /** TCP + TLS connect to upstream. Default 10 s. */
  connectTimeoutMs?: number;
  /** Wait for the upstream's response head. Default 30 s. */
  responseTimeoutMs?: number;
  /** Wait for the client's request head; one deadline per socket from accept (CONNECT and TLS included). Default 30 s. */
  headTimeoutMs?: number;
  /** Client sockets open at once (see ProxyListener). Default 512, fewer under a low descriptor limit. */
  maxConnections?: number;
  /** Accept clients outside loopback. Forward mode default false (it relays to any host); reverse mode always. */
  allowRemote?: boolean;
  /** Per direction and connection. Default 4 MiB (chunks held longer cost the relay thread GC time). */
  tapBudgetBytes?: number;
  /** Connection count changed (for ProxyInfo updates). */
  onChange?: () => void;
  /** Faults applied to every connection (see docs/proxy.md, "Fault injection"). */
  faults?: ProxyFaults;
  /** Where open connections are registered for per-connection fault injection. */
  faultRegistry?: FaultRegistry;
  /** Timed steps of a scenario file, per connection number or URL pattern. */
  scenarioSteps?: readonly ScenarioStep[];
  /** Message breakpoints shared by the controller's proxies. */
  breakpoints?: Breakpoints;
}

export interface RunningProxy {
  readonly mode: 'reverse' | 'forward';
  /** host:port it listens on. */
  readonly address: string;
  readonly host: string;
  readonly port: number;
  readonly target?: string;
  /** Forward mode: the CA certificate clients must trust for TLS interception. */
  readonly caCertPath?: string;
  /** Client connections open now. */
  connections(): number;
  /** Clients turned away since start, by reason. */
  refused(): RefusalCounts;
  /** Clients outside loopback are accepted. */
  readonly allowRemote: boolean;
  close(): Promise<void>;
}

export function connectionOptions(
  options: CommonProxyOptions,
): ProxyConnectionOptions & { headTimeoutMs: number } {
  return {
    capture: options.capture,
    drainer: sharedDrainer,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    responseTimeoutMs: options.responseTimeoutMs ?? 30_000,
    headTimeoutMs: options.headTimeoutMs ?? 30_000,
    tapBudgetBytes: options.tapBudgetBytes ?? 4 * 1024 * 1024,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.faultRegistry ? { faultRegistry: options.faultRegistry } : {}),
    ...(options.breakpoints ? { breakpoints: options.breakpoints } : {}),
    ...(options.scenarioSteps?.length ? { scenario: new ScenarioSchedule(options.scenarioSteps) } : {}),
    ...(options.faults?.rejectUpgradePercent || options.faults?.dropAfterUpgradePercent
      ? {
          upgradeGate: new UpgradeGate({
            rejectPercent: options.faults.rejectUpgradePercent ?? 0,
            dropAfterUpgradePercent: options.faults.dropAfterUpgradePercent ?? 0,
          }),
        }
      : {}),
  };
}

/** The listener's limits from the options; `allowRemote` is decided by the mode. */
export function listenerLimits(options: CommonProxyOptions, allowRemote: boolean): ListenerLimits {
  return {
    maxConnections: options.maxConnections ?? defaultMaxConnections(),
    headDeadlineMs: options.headTimeoutMs ?? 30_000,
    allowRemote,
  };
}

export function peerOf(socket: {
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
}): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
}
