import type { ProxyInfo } from '../../../../shared/api/contract.js';

/** Proxies running in the core; small and pushed whole by the `proxies` event. */
export interface ProxySlice {
  proxies: ProxyInfo[];
}

export const initialProxySlice = (): ProxySlice => ({ proxies: [] });
