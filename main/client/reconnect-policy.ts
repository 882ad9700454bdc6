import type { ConnectReconnect } from '../../shared/api/contract.js';

export const DEFAULT_RECONNECT_FACTOR = 2;

/**
 * Delay before reconnect attempt `attempt` (1-based): exponential from initialDelayMs, capped at maxDelayMs, then
 * shortened by up to `jitter` × itself. `random` is in [0, 1).
 */
export function reconnectDelay(
  policy: ConnectReconnect,
  attempt: number,
  random: () => number = Math.random,
): number {
  const factor = policy.factor ?? DEFAULT_RECONNECT_FACTOR;
  const exponential = policy.initialDelayMs * factor ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  const jitter = policy.jitter ?? 0;
  return Math.round(capped * (1 - jitter * random()));
}

/** Whether another attempt is allowed after `attemptsMade` reconnects. */
export const mayReconnect = (policy: ConnectReconnect, attemptsMade: number): boolean =>
  policy.maxAttempts === undefined || attemptsMade < policy.maxAttempts;
