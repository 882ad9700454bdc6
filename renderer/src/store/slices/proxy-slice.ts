import type {
  BreakpointSettings,
  ConnectRequest,
  HeldMessage,
  ProxyInfo,
  ReconnectNotice,
} from '../../../../shared/api/contract.js';
import type { ConnKey } from '../keys.js';

/** Small pushed state of the core: running proxies (`proxies` event) and reconnect chains (`reconnect` event). */
export interface ProxySlice {
  proxies: ProxyInfo[];
  /** Latest reconnect notice per chain, keyed by the chain's first connection (keyed like connections). */
  reconnects: Record<ConnKey, ReconnectNotice>;
  /** The request each connect of this window made, by its connection, for "Connect again". */
  connectRequests: Record<ConnKey, ConnectRequest>;
  /** Messages the proxies' breakpoints hold now (`held` event). */
  held: HeldMessage[];
  /** The breakpoints as last set from this window. */
  breakpoints: BreakpointSettings;
}

export const initialProxySlice = (): ProxySlice => ({
  proxies: [],
  reconnects: {},
  connectRequests: {},
  held: [],
  breakpoints: { rules: [] },
});
