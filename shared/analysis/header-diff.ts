import type { HttpHeader } from '../model/handshake.js';

export type HeaderChange = 'added' | 'removed' | 'changed' | 'same';

export interface HeaderDiffEntry {
  /** The name as written on the left side (or the right side when only there). */
  name: string;
  change: HeaderChange;
  /** All values on each side, joined with ", " in wire order; undefined when absent. */
  before?: string;
  after?: string;
  /** Hop-by-hop headers are not forwarded by proxies unless configured to (RFC 9110 §7.6.1). */
  hopByHop: boolean;
}

export interface HeaderDiff {
  entries: HeaderDiffEntry[];
  added: number;
  removed: number;
  changed: number;
}

const HOP_BY_HOP = new Set([
  'connection',
  'upgrade',
  'keep-alive',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
]);

export function isHopByHop(name: string): boolean {
  const lower = name.toLowerCase();
  return HOP_BY_HOP.has(lower) || lower.startsWith('proxy-');
}

function group(headers: readonly HttpHeader[]): Map<string, { name: string; values: string[] }> {
  const byName = new Map<string, { name: string; values: string[] }>();
  for (const h of headers) {
    const key = h.name.toLowerCase();
    const existing = byName.get(key);
    if (existing) existing.values.push(h.value);
    else byName.set(key, { name: h.name, values: [h.value] });
  }
  return byName;
}

/**
 * Compares two header lists, e.g. both legs of a proxied handshake or two connections the user picked.
 * Names compare case-insensitively; values compare exactly (after joining duplicates in order).
 * Entries keep the left side's order, then headers only on the right.
 */
export function diffHeaders(before: readonly HttpHeader[], after: readonly HttpHeader[]): HeaderDiff {
  const left = group(before);
  const right = group(after);
  const entries: HeaderDiffEntry[] = [];
  let added = 0;
  let removed = 0;
  let changed = 0;
  for (const [key, l] of left) {
    const r = right.get(key);
    const beforeValue = l.values.join(', ');
    if (!r) {
      removed++;
      entries.push({ name: l.name, change: 'removed', before: beforeValue, hopByHop: isHopByHop(key) });
      continue;
    }
    const afterValue = r.values.join(', ');
    const change: HeaderChange = beforeValue === afterValue ? 'same' : 'changed';
    if (change === 'changed') changed++;
    entries.push({ name: l.name, change, before: beforeValue, after: afterValue, hopByHop: isHopByHop(key) });
  }
  for (const [key, r] of right) {
    if (left.has(key)) continue;
    added++;
    entries.push({ name: r.name, change: 'added', after: r.values.join(', '), hopByHop: isHopByHop(key) });
  }
  return { entries, added, removed, changed };
}
