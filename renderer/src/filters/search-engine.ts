import { base64ToBytes } from '../format/bytes.js';
import { HELD_MESSAGE, HELD_OBJECT } from '../store/columnar-log.js';
import type { RowFacts } from '../store/columnar-log.js';
import type { ConnectionLog } from '../store/hot-log.js';
import { searchableText } from '../store/rows.js';
import { choiceKey } from '../../../shared/decoders/select.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import type { ConnectionHits, FromSearcher, RowScope, SearchKind, ToSearcher } from './search-core.js';
import type { SearchMode } from './search-pattern.js';
import { rowKind } from './row-kind.js';
import { SearchCore } from './search-core.js';

/** The searcher's end of a channel: a worker in the page, the same core in-process elsewhere (tests, no Worker). */
export interface SearchPort {
  post(message: ToSearcher, transfer: Transferable[]): void;
  onReply(listener: (reply: FromSearcher) => void): void;
  /** The channel broke (e.g. the worker script could not load): the engine moves to this thread. */
  onFailure(listener: () => void): void;
  terminate(): void;
}

export type SearchOutcome = { matches: Uint32Array; previewOnly: number } | { error: string };

/** How a session-wide search ended: rows looked at and those only searchable in their recorded preview. */
export type SearchAllOutcome = { searched: number; previewOnly: number } | { error: string };

interface Waiting {
  resolve: (outcome: SearchOutcome | null) => void;
  onPartial?: (matches: Uint32Array, answered: number) => void;
}

interface AllWaiting {
  onHits: (hits: ConnectionHits[]) => void;
  resolve: (outcome: SearchAllOutcome | null) => void;
}

/** The text filter's worker (filter-worker.ts), bundled by Vite; this thread where no worker can be started. */
export function defaultPort(): SearchPort {
  try {
    return workerPort();
  } catch {
    return inProcessPort();
  }
}

function workerPort(): SearchPort {
  const worker = new Worker(new URL('./filter-worker.ts', import.meta.url), { type: 'module' });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onReply: (listener) => {
      worker.onmessage = (event: MessageEvent<FromSearcher>) => listener(event.data);
    },
    onFailure: (listener) => {
      worker.onerror = () => listener();
    },
    terminate: () => worker.terminate(),
  };
}

/** The same core on this thread, answering asynchronously as the worker would. */
export function inProcessPort(): SearchPort {
  const core = new SearchCore();
  let listener: (reply: FromSearcher) => void = () => undefined;
  const yieldToQueue = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    post: (message) => {
      if (message.type === 'append') core.append(structuredClone(message));
      else if (message.type === 'decoder') core.decoderChosen(message.key, message.choice);
      else if (message.type === 'forget') core.forget(message.key);
      else if (message.type === 'cancelAll') core.announceAll(message.id);
      else if (message.type === 'searchAll') {
        core.announceAll(message.id);
        setTimeout(
          () =>
            void core
              .searchAll(message, (reply) => listener(structuredClone(reply)), yieldToQueue)
              .then((reply) => listener(reply)),
          0,
        );
      } else {
        core.announce(message.id);
        setTimeout(
          () =>
            void core
              .search(message, yieldToQueue, (reply) => listener(structuredClone(reply)))
              .then((reply) => listener(reply)),
          0,
        );
      }
    },
    onReply: (next) => {
      listener = next;
    },
    onFailure: () => undefined,
    terminate: () => undefined,
  };
}

/** Background feeding: rows per message, and the time one task may spend before yielding to input. */
const FEED_SLICE_ROWS = 16_384;
const FEED_SLICE_MS = 12;

interface Fed {
  log: ConnectionLog;
  sent: number;
}

/**
 * Main-thread side of the text search: feeds each connection's rows to the searcher as they arrive (payload bytes
 * straight from the columnar log, copied once) and turns searches into promises. A newer search supersedes older
 * ones, which then resolve to null.
 */
export class SearchEngine {
  private readonly fed = new Map<string, Fed>();
  /** The decoder last told for each connection. */
  private readonly chosen = new Map<string, DecoderChoice>();
  private readonly waiting = new Map<number, Waiting>();
  private allWaiting: { id: number; waiting: AllWaiting } | null = null;
  private nextId = 0;
  private port: SearchPort;
  /** Called after the engine moved to this thread: searches in flight were dropped and must be asked again. */
  onReset: () => void = () => undefined;

  constructor(port: SearchPort) {
    this.port = port;
    this.listen(port);
  }

  private listen(port: SearchPort): void {
    port.onFailure(() => {
      if (this.port !== port) return;
      port.terminate();
      this.port = inProcessPort();
      this.listen(this.port);
      this.fed.clear();
      this.chosen.clear();
      for (const [id, { resolve }] of this.waiting) {
        this.waiting.delete(id);
        resolve(null);
      }
      this.endAll(null);
      this.onReset();
    });
    port.onReply((reply) => {
      const all = this.allWaiting;
      if (all?.id === reply.id) {
        if (reply.type === 'hits') all.waiting.onHits(reply.hits);
        else if (reply.type === 'allDone')
          this.endAll({ searched: reply.searched, previewOnly: reply.previewOnly });
        else if (reply.type === 'error') this.endAll({ error: reply.message });
        else if (reply.type === 'superseded') this.endAll(null);
        return;
      }
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      if (reply.type === 'partial') {
        waiting.onPartial?.(reply.matches, reply.answered);
        return;
      }
      this.waiting.delete(reply.id);
      waiting.resolve(
        reply.type === 'result'
          ? { matches: reply.matches, previewOnly: reply.previewOnly }
          : reply.type === 'error'
            ? { error: reply.message }
            : null,
      );
    });
  }

  /** Sends the rows the searcher has not seen yet (at most `limit` of them); true when it has them all. */
  feed(key: string, log: ConnectionLog, limit = Number.POSITIVE_INFINITY): boolean {
    let fed = this.fed.get(key);
    if (!fed || fed.log !== log) {
      if (fed) {
        this.port.post({ type: 'forget', key }, []);
        const choice = this.chosen.get(key);
        if (choice) this.port.post({ type: 'decoder', key, choice }, []);
      }
      this.fed.set(key, (fed = { log, sent: 0 }));
    }
    const total = Math.min(log.events.length, fed.sent + limit);
    if (fed.sent >= total) return total === log.events.length;
    const message = rowsToSend(key, log, fed.sent, total);
    fed.sent = total;
    this.port.post(message, [
      message.indices.buffer,
      message.offsets.buffer,
      message.bytes.buffer,
      message.kinds.buffer,
    ]);
    return total === log.events.length;
  }

  /**
   * Feeds the rows in the background, a slice per task, so a large batch (a file being opened) never stalls the page
   * on copying payloads; a search feeds what is left first, also a slice per task (`whenFed`).
   */
  feedSoon(key: string, log: ConnectionLog): void {
    this.backlog.set(key, log);
    if (this.holds === 0) this.backlogTimer ??= setTimeout(this.feedSlice, 0);
  }

  /**
   * Holds the background feeding until the returned function is called (a large file's rows are being read, on
   * every core: copying its payloads to the searcher meanwhile made them come later). A search still feeds what it
   * needs.
   */
  holdFeeding(): () => void {
    this.holds++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.holds--;
      if (this.holds === 0 && this.backlog.size > 0) this.backlogTimer ??= setTimeout(this.feedSlice, 0);
    };
  }

  private holds = 0;
  private readonly backlog = new Map<string, ConnectionLog>();
  private backlogTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly feedSlice = (): void => {
    this.backlogTimer = undefined;
    if (this.holds > 0) return;
    const until = performance.now() + FEED_SLICE_MS;
    for (const [key, log] of this.backlog) {
      if (this.feed(key, log, FEED_SLICE_ROWS)) this.backlog.delete(key);
      if (performance.now() >= until) break;
    }
    if (this.backlog.size > 0) this.backlogTimer = setTimeout(this.feedSlice, 0);
  };

  /**
   * Feeds `connections` (each up to the rows its log has now) a slice per task, then runs `then`, unless `wanted` has
   * turned false meanwhile (a newer search). Feeding the rows a search needs at once froze the page for a second when
   * 700,000 rows had arrived while the table was not shown.
   */
  private whenFed(
    connections: readonly { key: string; log: ConnectionLog }[],
    wanted: () => boolean,
    then: () => void,
  ): void {
    const needed = connections.map(({ key, log }) => ({ key, log, rows: log.events.length }));
    const step = (): void => {
      if (!wanted()) return;
      const until = performance.now() + FEED_SLICE_MS;
      while (needed.length > 0) {
        const { key, log, rows } = needed[0]!;
        this.feed(key, log, FEED_SLICE_ROWS);
        const fed = this.fed.get(key);
        if (fed?.log === log && fed.sent >= rows) needed.shift();
        if (needed.length > 0 && performance.now() >= until) {
          setTimeout(step, 0);
          return;
        }
      }
      then();
    };
    step();
  }

  /**
   * The connection's decoder, as the table shows it: the searcher decodes its messages ahead of decoded-field queries
   * (told again only when it changes).
   */
  decoderChosen(key: string, choice: DecoderChoice): void {
    if (choiceKey(this.chosen.get(key)) === choiceKey(choice)) return;
    this.chosen.set(key, choice);
    this.port.post({ type: 'decoder', key, choice }, []);
  }

  forget(key: string): void {
    this.chosen.delete(key);
    this.backlog.delete(key);
    if (this.fed.delete(key)) this.port.post({ type: 'forget', key }, []);
  }

  /**
   * Searches `candidates` (ascending event indices of the connection's log). `onPartial` hears parts of the answer
   * before it resolves, when the searcher has some early (the next `answered` candidates, and those that matched);
   * the outcome then covers the candidates after them.
   */
  search(
    key: string,
    log: ConnectionLog,
    candidates: Uint32Array,
    pattern: string,
    mode: SearchKind,
    decoder?: DecoderChoice,
    onPartial?: (matches: Uint32Array, answered: number) => void,
  ): Promise<SearchOutcome | null> {
    const id = ++this.nextId;
    for (const [earlier, { resolve }] of this.waiting) {
      this.waiting.delete(earlier);
      resolve(null);
    }
    const copy = candidates.slice();
    return new Promise((resolve) => {
      this.waiting.set(id, onPartial ? { resolve, onPartial } : { resolve });
      this.whenFed(
        [{ key, log }],
        () => this.waiting.has(id),
        () =>
          this.port.post(
            { type: 'search', id, key, candidates: copy, pattern, mode, ...(decoder ? { decoder } : {}) },
            [copy.buffer],
          ),
      );
    });
  }

  /**
   * Searches every connection in `connections` (fed first: each sends only the rows the searcher has not seen), in
   * that order; `onHits` hears the connections with matches as the searcher finds them. Resolves to null when a newer
   * session-wide search or `cancelAll` superseded it (its `onHits` is then never called again).
   */
  searchAll(
    connections: readonly { key: string; log: ConnectionLog }[],
    pattern: string,
    mode: SearchMode,
    scope: RowScope,
    firstRows: number,
    onHits: (hits: ConnectionHits[]) => void,
  ): Promise<SearchAllOutcome | null> {
    const id = ++this.nextId;
    this.endAll(null);
    return new Promise((resolve) => {
      this.allWaiting = { id, waiting: { onHits, resolve } };
      this.whenFed(
        connections,
        () => this.allWaiting?.id === id,
        () =>
          this.port.post(
            { type: 'searchAll', id, keys: connections.map((c) => c.key), pattern, mode, scope, firstRows },
            [],
          ),
      );
    });
  }

  /** Stops the session-wide search in flight, if any. */
  cancelAll(): void {
    const all = this.allWaiting;
    if (!all) return;
    this.port.post({ type: 'cancelAll', id: all.id }, []);
    this.endAll(null);
  }

  private endAll(outcome: SearchAllOutcome | null): void {
    const all = this.allWaiting;
    this.allWaiting = null;
    all?.waiting.resolve(outcome);
  }

  dispose(): void {
    if (this.backlogTimer !== undefined) clearTimeout(this.backlogTimer);
    this.port.terminate();
  }
}

function rowsToSend(
  key: string,
  log: ConnectionLog,
  from: number,
  to: number,
): ToSearcher & { type: 'append' } {
  const { events } = log;
  const facts: RowFacts = { held: HELD_OBJECT, dir: 'c2s', opcode: 0, size: 0 };
  const indices: number[] = [];
  const texts: Record<number, string> = {};
  const truncated: number[] = [];
  const kinds: number[] = [];
  const views: Uint8Array[] = [];
  let byteCount = 0;
  for (let index = from; index < to; index++) {
    if (events.facts(index, facts).held !== HELD_OBJECT) {
      const bytes = events.payloadBytes(index)!;
      views.push(bytes);
      byteCount += bytes.length;
      truncated.push(events.truncatedAt(index) ? 1 : 0);
      kinds.push(rowKind(facts.held === HELD_MESSAGE, facts.dir, facts.opcode));
    } else {
      const event = events.get(index)!;
      if (event.type === 'frame') {
        const { frame } = event;
        texts[indices.length] = searchableText(base64ToBytes(frame.data), frame.close);
        truncated.push(frame.truncated ? 1 : 0);
        kinds.push(rowKind(false, frame.dir, frame.opcode));
        views.push(new Uint8Array(0));
      } else if (event.type === 'message') {
        const { message } = event;
        const bytes = base64ToBytes(message.data);
        views.push(bytes);
        byteCount += bytes.length;
        truncated.push(message.truncated ? 1 : 0);
        kinds.push(rowKind(true, message.dir, message.opcode));
      } else continue;
    }
    indices.push(index);
  }
  const bytes = new Uint8Array(byteCount);
  const offsets = new Uint32Array(views.length + 1);
  let at = 0;
  views.forEach((view, i) => {
    bytes.set(view, at);
    at += view.length;
    offsets[i + 1] = at;
  });
  return {
    type: 'append',
    key,
    indices: Uint32Array.from(indices),
    offsets,
    bytes,
    texts,
    truncated: Uint8Array.from(truncated),
    kinds: Uint8Array.from(kinds),
  };
}
