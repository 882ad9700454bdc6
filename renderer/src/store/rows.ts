import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { SearchMode } from '../filters/search-pattern.js';
import { compileSearch, SEARCH_CAP_CHARS } from '../filters/search-pattern.js';
import type { RowType } from '../filters/row-types.js';
import { rowTypeOf } from '../filters/row-types.js';
import { base64ToBytes, decodeUtf8 } from '../format/bytes.js';
import { decodeRecord } from '../../../shared/decoders/cache.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import type { Decoded } from '../../../shared/decoders/types.js';
import type { MessageRecord } from '../../../shared/model/frame.js';
import { parseDecodedQuery } from '../filters/decoded-query.js';
import { choiceKey } from './decoder-choice.js';
import type { ConnectionLog } from './hot-log.js';
import { isControlOpcode } from './hot-log.js';

export type ViewMode = 'messages' | 'frames';

export interface RowFilter {
  mode: ViewMode;
  showControl: boolean;
  /** Only this direction. */
  dir?: Direction;
  /** Case-insensitive text (or, with searchMode 'regex', a pattern) the payload or close reason must contain. */
  text?: string;
  searchMode?: SearchMode;
  /** Only these row types; absent = all. */
  types?: readonly RowType[];
  /** Decoded payload size bounds in bytes, inclusive. */
  minSize?: number;
  maxSize?: number;
  /** The connection's protocol decoder: `text` may then be a query over decoded fields (`event = "x"`). */
  decoder?: DecoderChoice;
  /** Decodes a message with `decoder` (default: message by message; MQTT needs the connection's stream). */
  decode?: (message: MessageRecord) => Decoded | undefined;
}

const CAPPED_BASE64_CHARS = Math.ceil(SEARCH_CAP_CHARS / 3) * 4;

/** The searchable text of a row: at most SEARCH_CAP_CHARS bytes of payload, plus a close code and reason. */
function searchableText(base64: string, close?: { code?: number; reason?: string }): string {
  const text = decodeUtf8(base64ToBytes(base64.slice(0, CAPPED_BASE64_CHARS)));
  return close ? `${close.code ?? ''} ${close.reason ?? ''} ${text}` : text;
}

export type RowPredicate = (event: CaptureEvent) => boolean;

/** A predicate for one filter, compiled once; an invalid regex filters nothing by text (the UI reports it). */
export function compileRowFilter(filter: RowFilter): RowPredicate {
  const query = filter.text ? parseDecodedQuery(filter.text) : undefined;
  const search = filter.text && !query ? compileSearch(filter.text, filter.searchMode ?? 'text') : undefined;
  const matchesText = search?.ok ? search.test : undefined;
  // A query over decoded fields matches message rows only; each message is decoded once (memoised per record).
  const decoder = filter.decoder;
  const decode = filter.decode ?? (decoder ? (m: MessageRecord) => decodeRecord(m, decoder) : undefined);
  const matchesDecoded =
    query?.ok === true
      ? (event: CaptureEvent): boolean => {
          if (event.type !== 'message' || !decode) return false;
          const decoded = decode(event.message);
          return decoded !== undefined && query.test(decoded);
        }
      : undefined;
  const types = filter.types ? new Set(filter.types) : undefined;
  const { minSize, maxSize } = filter;
  return (event) => {
    let dir: Direction;
    let opcode: number;
    let size: number;
    if (event.type === 'frame') {
      opcode = event.frame.opcode;
      if (isControlOpcode(opcode) ? !filter.showControl : filter.mode !== 'frames') return false;
      dir = event.frame.dir;
      size = event.frame.payloadLength;
    } else if (event.type === 'message') {
      if (filter.mode !== 'messages') return false;
      opcode = event.message.opcode;
      dir = event.message.dir;
      size = event.message.size;
    } else {
      return false;
    }
    if (filter.dir && filter.dir !== dir) return false;
    if (types) {
      const type = rowTypeOf(opcode);
      if (type && !types.has(type)) return false;
    }
    if (minSize !== undefined && size < minSize) return false;
    if (maxSize !== undefined && size > maxSize) return false;
    if (matchesDecoded) return matchesDecoded(event);
    if (!matchesText) return true;
    if (event.type === 'message') return matchesText(searchableText(event.message.data));
    return matchesText(searchableText(event.frame.data, event.frame.close));
  };
}

export function rowMatches(event: CaptureEvent, filter: RowFilter): boolean {
  return compileRowFilter(filter)(event);
}

const filterCacheKey = (key: string, filter: RowFilter): string =>
  [
    key,
    filter.mode,
    filter.showControl,
    filter.dir ?? '',
    filter.searchMode ?? 'text',
    filter.text ?? '',
    filter.types?.join(',') ?? '*',
    filter.minSize ?? '',
    filter.maxSize ?? '',
    choiceKey(filter.decoder),
  ].join('\u0000');

/** Row lists kept per filter; typing a search creates one per keystroke, so only the most recent are kept. */
const MAX_CACHED_FILTERS = 24;

interface RowCache {
  log: ConnectionLog;
  processed: number;
  rows: number[];
  matches: RowPredicate;
}

/**
 * Table rows (indices into a connection's event log) for one filter. Because the log only grows, the row list is
 * extended from where it stopped instead of being rebuilt, so a flush costs O(new events), not O(all events).
 */
export class RowIndex {
  private readonly caches = new Map<string, RowCache>();

  rows(key: string, log: ConnectionLog, filter: RowFilter): readonly number[] {
    const cacheKey = filterCacheKey(key, filter);
    let cache = this.caches.get(cacheKey);
    if (!cache || cache.log !== log)
      cache = { log, processed: 0, rows: [], matches: compileRowFilter(filter) };
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
        if (cache.matches(event)) cache.rows.push(index);
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
