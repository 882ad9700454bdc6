import { choiceKey } from '../../../shared/decoders/select.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import { DecodedIndex } from './decoded-index.js';
import { parseDecodedQuery } from './decoded-query.js';
import { isControl } from '../../../shared/protocol/opcodes.js';
import { shownInMode } from '../store/view-mode.js';
import { ROW_MESSAGE, ROW_OPCODE_SHIFT } from './row-kind.js';
import type { SearchMode } from './search-pattern.js';
import { compileSearch } from './search-pattern.js';
import { SearchedRows } from './searched-rows.js';

/** Text and regex search the payload text; 'decoded' runs a query over the decoded fields of message rows. */
export type SearchKind = SearchMode | 'decoded';

/** Rows of one connection sent to the searcher: event indices with their recorded payload bytes or ready text. */
export interface AppendRows {
  type: 'append';
  key: string;
  indices: Uint32Array;
  /** Row i's bytes are bytes[offsets[i], offsets[i + 1]); rows with an entry in `texts` use that text instead. */
  offsets: Uint32Array;
  bytes: Uint8Array;
  texts: Record<number, string>;
  /** 1 where the recorded payload is only a preview of the real one. */
  truncated: Uint8Array;
  /** ROW_MESSAGE | ROW_S2C | opcode << ROW_OPCODE_SHIFT; message rows always come as bytes (never in `texts`). */
  kinds: Uint8Array;
}

/** The rows a session-wide search looks at: those an unfiltered table shows in this view mode. */
export interface RowScope {
  mode: 'messages' | 'frames';
  showControl: boolean;
}

/** Search every connection in `keys` (in that order); results stream back a few connections at a time. */
export interface SearchAllRequest {
  type: 'searchAll';
  id: number;
  keys: string[];
  pattern: string;
  mode: SearchMode;
  scope: RowScope;
  /** How many matching rows of each connection to send back (the count covers them all). */
  firstRows: number;
}

/** One connection's share of a session-wide search. */
export interface ConnectionHits {
  key: string;
  count: number;
  /** The first `firstRows` matches, ascending event indices. */
  first: number[];
  previewOnly: number;
}

export interface SearchRequest {
  type: 'search';
  id: number;
  key: string;
  /** Event indices to test, ascending. */
  candidates: Uint32Array;
  pattern: string;
  mode: SearchKind;
  /** With mode 'decoded': the connection's decoder. */
  decoder?: DecoderChoice;
}

export type ToSearcher =
  | AppendRows
  | SearchRequest
  | SearchAllRequest
  /** The connection's decoder as the table shows it: its messages are decoded ahead of decoded-field queries. */
  | { type: 'decoder'; key: string; choice: DecoderChoice }
  | { type: 'forget'; key: string }
  | { type: 'cancelAll'; id: number };

export type FromSearcher =
  | {
      type: 'result';
      id: number;
      matches: Uint32Array;
      /** Candidates that did not match but whose payload was only recorded in part. */
      previewOnly: number;
    }
  /**
   * Part of a search's answer, while the rest takes time (a decoded-field query decoding the messages first): the next
   * `answered` candidates are answered, and `matches` are those among them that matched.
   */
  | { type: 'partial'; id: number; matches: Uint32Array; answered: number }
  | { type: 'superseded'; id: number }
  | { type: 'error'; id: number; message: string }
  /** Session-wide search: connections with matches found since the last `hits` (none without matches). */
  | { type: 'hits'; id: number; hits: ConnectionHits[] }
  | { type: 'allDone'; id: number; searched: number; previewOnly: number };

const inScope = (scope: RowScope, kind: number): boolean =>
  shownInMode(
    !(kind & ROW_MESSAGE),
    isControl(kind >> ROW_OPCODE_SHIFT),
    scope.mode === 'frames',
    scope.showControl,
  );

/** Candidates tested between two looks at the message queue: a newer search cancels this one there. */
const SLICE = 20_000;
/** The same for decoding messages into a connection's decoded-field index. */
const DECODE_SLICE_MS = 10;
/** How often a query that decodes first answers the candidates decoded since its last part. */
const PART_EVERY_MS = 50;
/** Connections whose decoded fields are kept (those last shown or queried): ~30 MB for a million messages. */
const MAX_DECODED_CONNECTIONS = 8;

/**
 * The search side of the text filter: holds each connection's rows (SearchedRows: payload bytes, text made when a
 * search needs it) and answers searches in slices, giving up as soon as a newer search has arrived. Runs in a worker
 * (filter-worker.ts); the matching is the same as `compileRowFilter`'s.
 */
export class SearchCore {
  private readonly rows = new Map<string, SearchedRows>();
  /** Each connection's messages decoded with its decoder, for decoded-field queries. */
  private readonly decoded = new Map<string, DecodedIndex>();
  private latest = 0;

  append(message: AppendRows): void {
    let rows = this.rows.get(message.key);
    if (!rows) this.rows.set(message.key, (rows = new SearchedRows()));
    rows.append(message);
  }

  forget(key: string): void {
    this.rows.delete(key);
    this.decoded.delete(key);
  }

  /** The connection's decoder: its messages will be decoded ahead of queries (`prepare`); 'none' drops them. */
  decoderChosen(key: string, choice: DecoderChoice): void {
    this.indexOf(key, choice);
  }

  private indexOf(key: string, choice: DecoderChoice): DecodedIndex | undefined {
    const { protocol } = choice;
    if (protocol === 'none') {
      this.decoded.delete(key);
      return undefined;
    }
    let index = this.decoded.get(key);
    if (index?.key !== choiceKey(choice)) index = new DecodedIndex({ ...choice, protocol });
    // Most recent last: connections looked at long ago give their decoded fields back.
    this.decoded.delete(key);
    this.decoded.set(key, index);
    if (this.decoded.size > MAX_DECODED_CONNECTIONS) this.decoded.delete(this.decoded.keys().next().value!);
    return index;
  }

  /**
   * Work done ahead of searches until `until`: rows' text (see SearchedRows.prepareText), then each connection's
   * decoded-field index. True when nothing is left.
   */
  prepare(until: number): boolean {
    for (const rows of this.rows.values()) if (!rows.prepareText(until)) return false;
    for (const [key, index] of this.decoded) {
      const rows = this.rows.get(key);
      if (rows && !index.extend(rows, until)) return false;
    }
    return true;
  }

  /** Call when a search request arrives, before awaiting `search`: it supersedes every earlier one. */
  announce(id: number): void {
    this.latest = Math.max(this.latest, id);
  }

  /** The same for session-wide searches, which have their own sequence: a table's search does not cancel one. */
  announceAll(id: number): void {
    this.latestAll = Math.max(this.latestAll, id);
  }

  private latestAll = 0;

  /**
   * Searches the rows in `scope` of every connection, in slices: `emit` gets the connections with matches as they are
   * found; a newer session-wide search (or a cancel) stops this one at the next slice.
   */
  async searchAll(
    request: SearchAllRequest,
    emit: (reply: FromSearcher) => void,
    yieldToQueue: () => Promise<void>,
  ): Promise<FromSearcher> {
    const { id, scope } = request;
    const compiled = compileSearch(request.pattern, request.mode);
    if (!compiled.ok) return { type: 'error', id, message: compiled.error };
    let budget = SLICE;
    let pending: ConnectionHits[] = [];
    let searched = 0;
    let previewOnly = 0;
    for (const key of request.keys) {
      const rows = this.rows.get(key);
      if (!rows) continue;
      const hits: ConnectionHits = { key, count: 0, first: [], previewOnly: 0 };
      const test = rows.matcher(request.pattern, request.mode)!;
      for (const { indices, kinds } of rows.chunks) {
        for (let i = 0; i < indices.length; i++) {
          if (--budget <= 0) {
            budget = SLICE;
            if (pending.length > 0) emit({ type: 'hits', id, hits: pending });
            pending = [];
            await yieldToQueue();
            if (this.latestAll > id) return { type: 'superseded', id };
          }
          if (!inScope(scope, kinds[i]!)) continue;
          const index = indices[i]!;
          searched++;
          if (test(index)) {
            if (hits.count++ < request.firstRows) hits.first.push(index);
          } else if (rows.truncated(index)) hits.previewOnly++;
        }
      }
      previewOnly += hits.previewOnly;
      if (hits.count > 0) pending.push(hits);
      // Connections without any row still cost a look: a storm of 10,000 yields now and then too.
      budget -= 16;
    }
    if (pending.length > 0) emit({ type: 'hits', id, hits: pending });
    return { type: 'allDone', id, searched, previewOnly };
  }

  /** Answers a table's search; `emit`, if given, may hear parts of the answer first (`partial` replies). */
  async search(
    request: SearchRequest,
    yieldToQueue: () => Promise<void>,
    emit?: (reply: FromSearcher) => void,
  ): Promise<FromSearcher> {
    if (request.mode === 'decoded') return this.searchDecoded(request, yieldToQueue, emit);
    const { candidates, id, mode } = request;
    const compiled = compileSearch(request.pattern, mode);
    if (!compiled.ok) return { type: 'error', id, message: compiled.error };
    const rows = this.rows.get(request.key) ?? new SearchedRows();
    const test = rows.matcher(request.pattern, mode)!;
    const matches = new Uint32Array(candidates.length);
    let count = 0;
    let previewOnly = 0;
    for (let start = 0; start < candidates.length; start += SLICE) {
      if (start > 0) {
        await yieldToQueue();
        if (this.latest > id) return { type: 'superseded', id };
      }
      const end = Math.min(candidates.length, start + SLICE);
      for (let i = start; i < end; i++) {
        const index = candidates[i]!;
        if (test(index)) matches[count++] = index;
        else if (rows.truncated(index)) previewOnly++;
      }
    }
    return { type: 'result', id, matches: matches.slice(0, count), previewOnly };
  }

  /**
   * A query over decoded fields: message rows among the candidates are tested by the connection's decoded-field index,
   * which first decodes the rows it has not yet (in slices; a newer search stops the query, not the decoding done).
   * While it decodes, the candidates it has passed are answered in parts (`emit`), so the first matches show at once.
   * Other rows never match.
   */
  private async searchDecoded(
    request: SearchRequest,
    yieldToQueue: () => Promise<void>,
    emit: ((reply: FromSearcher) => void) | undefined,
  ): Promise<FromSearcher> {
    const { candidates, id, decoder: choice } = request;
    const query = parseDecodedQuery(request.pattern);
    if (!query?.ok) return { type: 'error', id, message: query?.error ?? 'not a query over decoded fields' };
    const rows = this.rows.get(request.key);
    const index = choice && rows ? this.indexOf(request.key, choice) : undefined;
    if (!rows || !index) return { type: 'result', id, matches: new Uint32Array(0), previewOnly: 0 };
    let answered = 0;
    // The first part goes after the first slice: enough rows to fill the table, at once.
    let lastPart = Number.NEGATIVE_INFINITY;
    while (!index.extend(rows, performance.now() + DECODE_SLICE_MS)) {
      if (emit && performance.now() - lastPart >= PART_EVERY_MS) {
        const through = upperBound(candidates, answered, index.decodedBefore(rows));
        if (through > answered) {
          const part = candidates.subarray(answered, through);
          emit({
            type: 'partial',
            id,
            matches: index.matches(query.clauses, part),
            answered: through - answered,
          });
          answered = through;
        }
        lastPart = performance.now();
      }
      await yieldToQueue();
      if (this.latest > id) return { type: 'superseded', id };
    }
    const rest = candidates.subarray(answered);
    return { type: 'result', id, matches: index.matches(query.clauses, rest), previewOnly: 0 };
  }
}

/** The first position at or after `from` in the ascending `values` whose value is not below `limit`. */
function upperBound(values: Uint32Array, from: number, limit: number): number {
  let low = from;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! < limit) low = middle + 1;
    else high = middle;
  }
  return low;
}
