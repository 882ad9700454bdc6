/**
 * Time in a session. Every record carries `t`: milliseconds (fractional) on one monotonic clock whose origin is the
 * session start. The session header carries the wall clock at that origin, so wall time = startedAt + t.
 */
export type MonoMs = number;
/** Milliseconds since the Unix epoch. */
export type EpochMs = number;

export function wallTime(startedAt: EpochMs, t: MonoMs): EpochMs {
  return startedAt + t;
}
