import type {
  BreakpointSettings,
  HeldMessage,
  ProxyInfo,
  ReconnectNotice,
} from '../../../../shared/api/contract.js';
import type { ConnKey } from '../keys.js';

/** Small pushed state of the core: running proxies (`proxies` event) and reconnect chains (`reconnect` event). */
export interface ProxySlice {
  proxies: ProxyInfo[];
  /** Latest reconnect notice per live connection that ended (keyed like connections). */
  reconnects: Record<ConnKey, ReconnectNotice>;
  /** Messages the proxies' breakpoints hold now (`held` event). */
  held: HeldMessage[];
  /** The breakpoints as last set from this window. */
  breakpoints: BreakpointSettings;
}

export const initialProxySlice = (): ProxySlice => ({
  proxies: [],
  reconnects: {},
  held: [],
  breakpoints: { rules: [] },
});
