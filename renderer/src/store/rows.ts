import type { ConnectionLog, RowEvent } from './hot-log.js';
import { isControlOpcode } from './hot-log.js';

export type ViewMode = 'messages' | 'frames';

export interface RowFilter {
  mode: ViewMode;
  showControl: boolean;
}

export function rowMatches(event: RowEvent | { type: string }, filter: RowFilter): boolean {
  if (event.type === 'frame') {
    const { opcode } = (event as RowEvent & { type: 'frame' }).frame;
    if (isControlOpcode(opcode)) return filter.showControl;
    return filter.mode === 'frames';
  }
  return event.type === 'message' && filter.mode === 'messages';
}

interface RowCache {
  log: ConnectionLog;
  processed: number;
  rows: number[];
}

/**
 * Table rows (indices into a connection's event log) for one filter. Because the log only grows, the row list is
 * extended from where it stopped instead of being rebuilt, so a flush costs O(new events), not O(all events).
 */
export class RowIndex {
  private readonly caches = new Map<string, RowCache>();

  rows(key: string, log: ConnectionLog, filter: RowFilter): readonly number[] {
    const cacheKey = `${key}\u0000${filter.mode}\u0000${filter.showControl}`;
    let cache = this.caches.get(cacheKey);
    if (!cache || cache.log !== log) {
      cache = { log, processed: 0, rows: [] };
      this.caches.set(cacheKey, cache);
    }
    const total = log.events.length;
    if (cache.processed < total) {
      let index = cache.processed;
      for (const event of log.events.range(cache.processed, total)) {
        if (rowMatches(event, filter)) cache.rows.push(index);
        index++;
      }
      cache.processed = total;
    }
    return cache.rows;
  }

  forget(key: string): void {
    for (const cacheKey of [...this.caches.keys()]) {
      if (cacheKey.startsWith(`${key}\u0000`)) this.caches.delete(cacheKey);
    }
  }
}
