import { performance } from 'node:perf_hooks';
import type { EpochMs, MonoMs } from '../../shared/model/time.js';

/** One monotonic clock per session: `now()` is ms (fractional) since the session origin; `startedAt` is the wall clock there. */
export interface SessionClock {
  readonly startedAt: EpochMs;
  now(): MonoMs;
}

export function createSessionClock(): SessionClock {
  const origin = performance.now();
  const startedAt = Date.now();
  return {
    startedAt,
    now: () => roundMicros(performance.now() - origin),
  };
}

/** Microsecond resolution is plenty and keeps session files short. */
const roundMicros = (ms: number): number => Math.round(ms * 1000) / 1000;
