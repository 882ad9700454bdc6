import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Direction } from '../../../shared/model/wire.js';
import { base64ToBytes, decodeUtf8 } from '../format/bytes.js';
import type { ConnectionLog } from './hot-log.js';
import { isControlOpcode } from './hot-log.js';

export type ViewMode = 'messages' | 'frames';

export interface RowFilter {
  mode: ViewMode;
  showControl: boolean;
  /** Only this direction. */
  dir?: Direction;
  /** Case-insensitive text the payload (or close reason) must contain. */
  text?: string;
}

function payloadContains(base64: string, needle: string, extra = ''): boolean {
  const text = `${extra} ${decodeUtf8(base64ToBytes(base64))}`;
  return text.toLowerCase().includes(needle);
}

export function rowMatches(event: CaptureEvent, filter: RowFilter): boolean {
  let dir: Direction;
  if (event.type === 'frame') {
    const { opcode } = event.frame;
    if (isControlOpcode(opcode) ? !filter.showControl : filter.mode !== 'frames') return false;
    dir = event.frame.dir;
  } else if (event.type === 'message') {
    if (filter.mode !== 'messages') return false;
    dir = event.message.dir;
  } else {
    return false;
  }
  if (filter.dir && filter.dir !== dir) return false;
  if (!filter.text) return true;
  const needle = filter.text.toLowerCase();
  if (event.type === 'message') return payloadContains(event.message.data, needle);
  const close = event.frame.close;
  return payloadContains(event.frame.data, needle, close ? `${close.code ?? ''} ${close.reason ?? ''}` : '');
}

/** Row lists kept per filter; typing a search creates one per keystroke, so only the most recent are kept. */
const MAX_CACHED_FILTERS = 24;

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
    const cacheKey = [key, filter.mode, filter.showControl, filter.dir ?? '', filter.text ?? ''].join(
      '\u0000',
    );
    let cache = this.caches.get(cacheKey);
    if (!cache || cache.log !== log) cache = { log, processed: 0, rows: [] };
    // Re-inserting keeps the Map in least-recently-used order.
    this.caches.delete(cacheKey);
    this.caches.set(cacheKey, cache);
    if (this.caches.size > MAX_CACHED_FILTERS) {
      const oldest = this.caches.keys().next().value;
      if (oldest !== undefined) this.caches.delete(oldest);
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
