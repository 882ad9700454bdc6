import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { SearchMode } from '../filters/search-pattern.js';
import { compileSearch } from '../filters/search-pattern.js';
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
import { HELD_FRAME, HELD_OBJECT } from './columnar-log.js';
import type { RowFacts } from './columnar-log.js';

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

/** The searchable text of a row: its whole recorded payload, plus a close code and reason. */
export function searchableText(bytes: Uint8Array, close?: { code?: number; reason?: string }): string {
  const text = decodeUtf8(bytes);
  return close ? `${close.code ?? ''} ${close.reason ?? ''} ${text}` : text;
}

export type RowPredicate = (event: CaptureEvent) => boolean;

/**
 * A predicate for one filter over records, compiled once; an invalid regex filters nothing by text (the UI reports
 * it). The simple implementation: `compileLogFilter` must agree with it on every row.
 */
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
  const shape = compileShapeFilter(filter);
  return (event) => {
    if (event.type === 'frame') {
      const { frame } = event;
      if (!shape('frame', frame.dir, frame.opcode, frame.payloadLength)) return false;
    } else if (event.type === 'message') {
      const { message } = event;
      if (!shape('message', message.dir, message.opcode, message.size)) return false;
    } else {
      return false;
    }
    if (matchesDecoded) return matchesDecoded(event);
    if (!matchesText) return true;
    if (event.type === 'message') return matchesText(searchableText(base64ToBytes(event.message.data)));
    return matchesText(searchableText(base64ToBytes(event.frame.data), event.frame.close));
  };
}

/** Whether a row passes a filter's cheap parts: view mode, control frames, direction, type and size. */
export type ShapeTest = (kind: 'frame' | 'message', dir: Direction, opcode: number, size: number) => boolean;

export function compileShapeFilter(filter: RowFilter): ShapeTest {
  const types = filter.types ? new Set(filter.types) : undefined;
  const { minSize, maxSize, mode, showControl } = filter;
  return (kind, dir, opcode, size) => {
    if (kind === 'frame') {
      if (isControlOpcode(opcode) ? !showControl : mode !== 'frames') return false;
    } else if (mode !== 'messages') return false;
    if (filter.dir && filter.dir !== dir) return false;
    if (types) {
      const type = rowTypeOf(opcode);
      if (type && !types.has(type)) return false;
    }
    if (minSize !== undefined && size < minSize) return false;
    if (maxSize !== undefined && size > maxSize) return false;
    return true;
  };
}

export type LogPredicate = (log: ConnectionLog, index: number) => boolean;

/**
 * The same filter over a connection's columnar log: rows held in columns are tested on their numbers and payload
 * bytes without building their records; other records go through `compileRowFilter`.
 */
export function compileLogFilter(filter: RowFilter): LogPredicate {
  const onRecord = compileRowFilter(filter);
  const shape = compileShapeFilter(filter);
  const query = filter.text ? parseDecodedQuery(filter.text) : undefined;
  const search = filter.text && !query ? compileSearch(filter.text, filter.searchMode ?? 'text') : undefined;
  const matchesText = search?.ok ? search.test : undefined;
  const facts: RowFacts = { held: HELD_OBJECT, dir: 'c2s', opcode: 0, size: 0 };
  return (log, index) => {
    const { events } = log;
    events.facts(index, facts);
    if (facts.held === HELD_OBJECT) return onRecord(events.get(index)!);
    const kind = facts.held === HELD_FRAME ? 'frame' : 'message';
    if (!shape(kind, facts.dir, facts.opcode, facts.size)) return false;
    if (query?.ok) return onRecord(events.get(index)!);
    if (!matchesText) return true;
    return matchesText(searchableText(events.payloadBytes(index)!));
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
  rows: Uint32Array;
  count: number;
  matches: LogPredicate;
}

/**
 * Table rows (indices into a connection's event log) for one filter. Because the log only grows, the row list is
 * extended from where it stopped instead of being rebuilt, so a flush costs O(new events), not O(all events).
 */
export class RowIndex {
  private readonly caches = new Map<string, RowCache>();

  rows(key: string, log: ConnectionLog, filter: RowFilter): Uint32Array {
    const cacheKey = filterCacheKey(key, filter);
    let cache = this.caches.get(cacheKey);
    if (!cache || cache.log !== log)
      cache = { log, processed: 0, rows: new Uint32Array(1024), count: 0, matches: compileLogFilter(filter) };
    // Re-inserting keeps the Map in least-recently-used order.
    this.caches.delete(cacheKey);
    this.caches.set(cacheKey, cache);
    if (this.caches.size > MAX_CACHED_FILTERS) {
      const oldest = this.caches.keys().next().value;
      if (oldest !== undefined) this.caches.delete(oldest);
    }
    const total = log.events.length;
    if (cache.processed < total) {
      let { rows, count } = cache;
      for (let index = cache.processed; index < total; index++) {
        if (!cache.matches(log, index)) continue;
        if (count === rows.length) {
          const bigger = new Uint32Array(rows.length * 2);
          bigger.set(rows);
          rows = bigger;
        }
        rows[count++] = index;
      }
      cache.rows = rows;
      cache.count = count;
      cache.processed = total;
    }
    return cache.rows.subarray(0, cache.count);
  }

  forget(key: string): void {
    for (const cacheKey of [...this.caches.keys()]) {
      if (cacheKey.startsWith(`${key}\u0000`)) this.caches.delete(cacheKey);
    }
  }
}
