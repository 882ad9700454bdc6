/** Relative time in ms with 3 decimals, e.g. "+12.345". */
export function formatRelativeMs(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(3)}`;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall clock with milliseconds, e.g. "14:03:07.250". */
export function formatClock(epochMs: number): string {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
