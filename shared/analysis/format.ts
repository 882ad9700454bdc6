/** Human-readable duration: "350 ms", "2.0 s", "4 min 5 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}

/** Math.max over a possibly long array without spreading it onto the stack. */
export function maxOf(values: Iterable<number>): number | undefined {
  let best: number | undefined;
  for (const v of values) if (best === undefined || v > best) best = v;
  return best;
}

export function minOf(values: Iterable<number>): number | undefined {
  let best: number | undefined;
  for (const v of values) if (best === undefined || v < best) best = v;
  return best;
}
