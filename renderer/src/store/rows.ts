import type { CaptureEvent } from '../../../shared/model/events.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { SearchMode } from '../filters/search-pattern.js';
import type { SearchEngine } from '../filters/search-engine.js';
import type { SearchKind } from '../filters/search-core.js';
import { compileSearch } from '../filters/search-pattern.js';
import type { RowType } from '../filters/row-types.js';
import { rowTypeOf } from '../filters/row-types.js';
import { base64ToBytes, decodeUtf8 } from '../format/bytes.js';
import { decodeRecord } from '../../../shared/decoders/cache.js';
import { isControl } from '../../../shared/protocol/opcodes.js';
import { choiceKey } from '../../../shared/decoders/select.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import type { Decoded } from '../../../shared/decoders/types.js';
import type { MessageRecord } from '../../../shared/model/frame.js';
import { parseDecodedQuery } from '../filters/decoded-query.js';
import type { ConnectionLog } from './hot-log.js';
import { shownInMode } from './view-mode.js';
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
    if (!shownInMode(kind === 'frame', isControl(opcode), mode === 'frames', showControl)) return false;
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

/** A filter that is its view mode alone (the table's default): its rows can be picked from the columns. */
function modeOnly(filter: RowFilter): Pick<RowCache, 'modeOnly'> {
  const { dir, text, types, minSize, maxSize } = filter;
  if (dir || text || types || minSize !== undefined || maxSize !== undefined) return {};
  return {
    modeOnly: {
      frames: filter.mode === 'frames',
      showControl: filter.showControl,
      object: compileRowFilter(filter),
    },
  };
}

/** A growing list of event indices. */
class IndexList {
  array = new Uint32Array(1024);
  count = 0;

  push(value: number): void {
    if (this.count === this.array.length) this.grow(this.count + 1);
    this.array[this.count++] = value;
  }

  append(values: Uint32Array): void {
    if (this.count + values.length > this.array.length) this.grow(this.count + values.length);
    this.array.set(values, this.count);
    this.count += values.length;
  }

  get view(): Uint32Array {
    return this.array.subarray(0, this.count);
  }

  private grow(needed: number): void {
    const bigger = new Uint32Array(Math.max(needed, this.array.length * 2));
    bigger.set(this.array.subarray(0, this.count));
    this.array = bigger;
  }
}

interface SearchPart {
  pattern: string;
  mode: SearchKind;
  decoder?: DecoderChoice;
}

/** A filter's rows so far; `pending` while the text search has not caught up with the log. */
export interface RowView {
  rows: Uint32Array;
  pending: boolean;
  /** Rows that did not match but whose payload was recorded only in part (so only that part was searched). */
  previewOnly: number;
  /** The text search failed (e.g. an invalid pattern); rows are then unfiltered by text. */
  error?: string;
}

interface RowCache {
  log: ConnectionLog;
  processed: number;
  rows: IndexList;
  /** Sync: the whole filter. Async: the shape part; candidates then go to the searcher. */
  matches: LogPredicate;
  /** When that filter is the view mode alone: its rows are picked from the columns (see ColumnarLog.shownRows). */
  modeOnly?: { frames: boolean; showControl: boolean; object: RowPredicate };
  previewOnly: number;
  search?: SearchPart & {
    /** Candidates not yet answered by the searcher, and how many of them are in flight. */
    queue: IndexList;
    inFlight: number;
    error?: string;
  };
}

/**
 * The text part of a filter when the searcher should do it: a plain text or regex search, or a query over decoded
 * fields on a connection with a decoder. Undefined for an invalid pattern (the UI reports it; rows stay unfiltered).
 */
function searchPart(filter: RowFilter): SearchPart | undefined {
  if (!filter.text) return undefined;
  const query = parseDecodedQuery(filter.text);
  if (query) {
    const decoder = filter.decoder;
    // `decode` (the table's memoised decoder) is for filtering on this thread: the searcher decodes on its own.
    if (!query.ok || !decoder || decoder.protocol === 'none') return undefined;
    return { pattern: filter.text, mode: 'decoded', decoder };
  }
  const mode = filter.searchMode ?? 'text';
  return compileSearch(filter.text, mode).ok ? { pattern: filter.text, mode } : undefined;
}

/**
 * Table rows (indices into a connection's event log) for one filter. Because the log only grows, the row list is
 * extended from where it stopped instead of being rebuilt, so a flush costs O(new events), not O(all events).
 * With a search engine, text and regex matching run there (off the main thread): the shape part of the filter is
 * applied here, its rows are sent as candidates, and `subscribe` listeners hear when matches arrive.
 */
export class RowIndex {
  private readonly caches = new Map<string, RowCache>();
  private readonly listeners = new Set<() => void>();
  private changes = 0;

  constructor(private readonly engine?: SearchEngine) {
    if (engine) engine.onReset = () => this.notify();
  }

  private notify(): void {
    this.changes++;
    for (const listener of this.listeners) listener();
  }

  /** Bumped whenever a search answer changed some row list. */
  get version(): number {
    return this.changes;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  rows(key: string, log: ConnectionLog, filter: RowFilter): Uint32Array {
    return this.view(key, log, filter).rows;
  }

  view(key: string, log: ConnectionLog, filter: RowFilter): RowView {
    const cacheKey = filterCacheKey(key, filter);
    let cache = this.caches.get(cacheKey);
    if (!cache || cache.log !== log) cache = this.newCache(key, log, filter);
    // Re-inserting keeps the Map in least-recently-used order.
    this.caches.delete(cacheKey);
    this.caches.set(cacheKey, cache);
    if (this.caches.size > MAX_CACHED_FILTERS) {
      const oldest = this.caches.keys().next().value;
      if (oldest !== undefined) this.caches.delete(oldest);
    }
    const total = log.events.length;
    const target = cache.search ? cache.search.queue : cache.rows;
    const previewFilter = !cache.search && filter.text !== undefined && !parseDecodedQuery(filter.text);
    const modeOnly = cache.modeOnly;
    if (modeOnly) {
      const { events } = log;
      const object = (index: number): boolean => modeOnly.object(events.get(index)!);
      events.shownRows(cache.processed, total, modeOnly.frames, modeOnly.showControl, object, target);
    } else
      for (let index = cache.processed; index < total; index++) {
        if (cache.matches(log, index)) target.push(index);
        else if (previewFilter && log.events.truncatedAt(index) && this.shapeOnly(cache, filter, log, index))
          cache.previewOnly++;
      }
    cache.processed = total;
    // The shown connection's rows go to the searcher as they arrive, so a first search need not send them all; so
    // does its decoder, so that its messages are decoded before a first decoded-field query.
    this.engine?.feedSoon(key, log);
    if (filter.decoder) this.engine?.decoderChosen(key, filter.decoder);
    if (cache.search) this.pump(key, cache);
    const search = cache.search;
    return {
      rows: cache.rows.view,
      pending: search !== undefined && search.queue.count > 0 && search.error === undefined,
      previewOnly: cache.previewOnly,
      ...(search?.error ? { error: search.error } : {}),
    };
  }

  forget(key: string): void {
    for (const cacheKey of [...this.caches.keys()]) {
      if (cacheKey.startsWith(`${key}\u0000`)) this.caches.delete(cacheKey);
    }
    this.engine?.forget(key);
  }

  private newCache(key: string, log: ConnectionLog, filter: RowFilter): RowCache {
    const part = this.engine ? searchPart(filter) : undefined;
    if (!part) {
      return {
        log,
        processed: 0,
        rows: new IndexList(),
        matches: compileLogFilter(filter),
        ...modeOnly(filter),
        previewOnly: 0,
      };
    }
    const { text: _text, searchMode: _mode, ...shape } = filter;
    const cache: RowCache = {
      log,
      processed: 0,
      rows: new IndexList(),
      matches: compileLogFilter(shape),
      ...modeOnly(shape),
      previewOnly: 0,
      search: { ...part, queue: new IndexList(), inFlight: 0 },
    };
    // The table without the text usually has its rows already: they are the candidates, with no pass over the log
    // (a million rows would otherwise cost this thread ~100 ms on the first keystroke).
    const unsearched = this.caches.get(filterCacheKey(key, shape));
    if (unsearched?.log === log && !unsearched.search) {
      cache.search!.queue.append(unsearched.rows.view);
      cache.processed = unsearched.processed;
    }
    return cache;
  }

  private shapeCache = new WeakMap<RowCache, LogPredicate>();

  /** Whether a row that failed the text passes the rest of the filter (it was searched, in part). */
  private shapeOnly(cache: RowCache, filter: RowFilter, log: ConnectionLog, index: number): boolean {
    let shape = this.shapeCache.get(cache);
    if (!shape) {
      const { text: _text, searchMode: _mode, ...rest } = filter;
      this.shapeCache.set(cache, (shape = compileLogFilter(rest)));
    }
    return shape(log, index);
  }

  /** Sends the queued candidates to the searcher, one request at a time per row list. */
  private pump(key: string, cache: RowCache): void {
    const search = cache.search!;
    if (!this.engine || search.inFlight > 0 || search.queue.count === 0 || search.error) return;
    const candidates = search.queue.view;
    search.inFlight = candidates.length;
    let early = 0;
    const answer = (matches: Uint32Array, answered: number, previewOnly: number): void => {
      cache.rows.append(matches);
      cache.previewOnly += previewOnly;
      search.queue.array.copyWithin(0, answered, search.queue.count);
      search.queue.count -= answered;
    };
    void this.engine
      .search(
        key,
        cache.log,
        candidates,
        search.pattern,
        search.mode,
        search.decoder,
        (matches, answered) => {
          // The first matches of a query that decodes every message first, shown while it goes on.
          answer(matches, answered, 0);
          early += answered;
          this.notify();
        },
      )
      .then((outcome) => {
        const sent = search.inFlight - early;
        search.inFlight = 0;
        if (outcome === null) return;
        if ('error' in outcome) search.error = outcome.error;
        else answer(outcome.matches, sent, outcome.previewOnly);
        this.notify();
      });
  }
}
