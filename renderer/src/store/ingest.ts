import type { StoreApi } from 'zustand/vanilla';
import type { CaptureEvent, ConnectionId } from '../../../shared/model/events.js';
import type { ColumnChunk } from './columnar-log.js';
import type { ConnectionView } from './connection-view.js';
import { applyEvent, applyRange, cloneView, emptyConnectionView } from './connection-view.js';
import type { HotLog } from './hot-log.js';
import { feedAppended } from './log-analysis.js';
import type { ConnKey, SourceId } from './keys.js';
import { connKey } from './keys.js';
import type { DataSlice } from './slices/data-slice.js';
import type { UiSlice } from './slices/ui-slice.js';

/**
 * Runs `flush` soon. `backlog`: records already here wait (a file's chunks): the flush need not leave the page a pause
 * as long as the last one took, only its frame and any input's quiet time.
 */
export type Scheduler = (flush: () => void, backlog?: boolean) => void;

export const animationFrameScheduler: Scheduler = (flush) => {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => flush());
  else setTimeout(flush, 16);
};

const MAX_FLUSH_PAUSE_MS = 50;
/**
 * A scheduled flush applies records for about this long and leaves the rest for the next one, so a flood arriving
 * faster than the page takes it cannot grow the flush (and the render after it) into a task that holds up a click.
 */
const SCHEDULED_FLUSH_BUDGET_MS = 12;
/**
 * A file's chunks that wait (a later part of the file, read while the part before it was) are applied in flushes of
 * about this long, one per frame: in 12 ms flushes half a million rows took ~230 ms to catch up, most of it pauses.
 */
const BACKLOG_FLUSH_BUDGET_MS = 30;
const BUDGET_CHECK_EVERY = 256;

/** After the user clicks or types, flushes hold off this long, so the input's own render and paint come first. */
const INPUT_QUIET_MS = 100;

/** When the user last pressed a pointer or a key on the page (performance.now()); -Infinity outside a browser. */
function lastInputClock(): () => number {
  let at = Number.NEGATIVE_INFINITY;
  if (typeof window !== 'undefined') {
    const note = (): void => {
      at = performance.now();
    };
    for (const type of ['pointerdown', 'keydown'])
      window.addEventListener(type, note, { capture: true, passive: true });
  }
  return () => at;
}

/**
 * Once per animation frame while flushes are cheap; when a flush and the render it causes take long (tens of
 * thousands of records a second, a table following the tail), less often: after a pause as long as the flush (at most
 * MAX_FLUSH_PAUSE_MS), so input has time of its own and fewer, larger flushes spread the render over more records. A
 * longer pause would only idle the page: the records a flush appends cost the same however they are batched. Right
 * after a click or a key press, flushes wait INPUT_QUIET_MS.
 */
export function adaptiveFrameScheduler(
  frame: Scheduler = animationFrameScheduler,
  lastInputAt: () => number = lastInputClock(),
): Scheduler {
  let cost = 0;
  let endedAt = Number.NEGATIVE_INFINITY;
  const pause = (backlog: boolean): number => {
    const now = performance.now();
    return Math.max(
      backlog ? 0 : Math.min(cost, MAX_FLUSH_PAUSE_MS) - (now - endedAt),
      INPUT_QUIET_MS - (now - lastInputAt()),
    );
  };
  const measured = (flush: () => void): void => {
    const start = performance.now();
    flush();
    // The store's subscribers render in a microtask queued by the flush, so this one runs after them.
    void Promise.resolve().then(() => {
      endedAt = performance.now();
      cost = endedAt - start;
    });
  };
  const run = (flush: () => void, backlog = false): void => {
    const wait = pause(backlog);
    // Input can arrive between scheduling the frame and the frame: the flush then waits again.
    if (wait <= 1) frame(() => (pause(backlog) > 1 ? run(flush, backlog) : measured(flush)));
    else setTimeout(() => run(flush, backlog), wait);
  };
  return run;
}

export interface Ingest {
  /** Queue events; they reach the store on the next scheduled flush (once per animation frame). */
  push(source: SourceId, events: readonly CaptureEvent[]): void;
  /**
   * Queue a chunk of one connection's column-held entries (a session file's reader builds them); `expectedTotal` is
   * how many entries the connection will likely reach, to size its columns once.
   */
  pushChunk(source: SourceId, chunk: ColumnChunk, expectedTotal?: number): void;
  /** Apply everything queued now. */
  flush(): void;
  /** Runs `then` once everything queued until now has reached the store (at once when nothing is queued). */
  afterApplied(then: () => void): void;
  /** Forget a source's connections entirely (before re-reading a snapshot). */
  resetSource(source: SourceId): void;
}

type IngestState = DataSlice & Pick<UiSlice, 'selected' | 'selectedRow'>;

/** THE one place where core events enter the store. */
export function createIngest(
  store: StoreApi<IngestState>,
  hot: HotLog,
  readOnly: (source: SourceId) => boolean,
  schedule: Scheduler,
  onForget: (key: ConnKey) => void,
): Ingest {
  // Each item numbered in the order queued (a part left for the next flush keeps its number).
  let queue: (
    | { seq: number; source: SourceId; events: readonly CaptureEvent[] }
    | { seq: number; source: SourceId; chunk: ColumnChunk; expectedTotal: number }
  )[] = [];
  let queued = 0;
  let scheduled = false;
  let waiting: { through: number; then: () => void }[] = [];
  /** Runs the callbacks whose items have all been applied (a flood still arriving does not hold them up). */
  const applied = (): void => {
    if (waiting.length === 0) return;
    const through = queue.length > 0 ? queue[0]!.seq - 1 : queued;
    const due = waiting.filter((wait) => wait.through <= through);
    if (due.length === 0) return;
    waiting = waiting.filter((wait) => wait.through > through);
    for (const wait of due) wait.then();
  };

  // A manual flush leaves an already scheduled one in place (it finds an empty queue), so there is never more than one
  // pending animation-frame callback.
  const scheduledFlush = (): void => {
    scheduled = false;
    const backlog = queue.length > 1 && 'chunk' in queue[0]!;
    flush(backlog ? BACKLOG_FLUSH_BUDGET_MS : SCHEDULED_FLUSH_BUDGET_MS);
    if (queue.length > 0) requestFlush(backlog && 'chunk' in queue[0]!);
    applied();
  };
  function requestFlush(backlog = false): void {
    if (scheduled) return;
    scheduled = true;
    schedule(scheduledFlush, backlog);
  }

  /** Applies the queue; a scheduled flush stops between records once `budgetMs` is spent and leaves the rest queued. */
  function flush(budgetMs = Number.POSITIVE_INFINITY): void {
    if (queue.length === 0) return;
    const batches = queue;
    queue = [];
    const deadline = performance.now() + budgetMs;
    let applied = 0;
    const state = store.getState();
    const changed = new Map<ConnKey, ConnectionView>();
    const added: ConnKey[] = [];
    const viewOf = (source: SourceId, conn: ConnectionId): [ConnKey, ConnectionView] => {
      const key = connKey(source, conn);
      let view = changed.get(key);
      if (!view) {
        const existing = state.connections[key];
        if (!existing) added.push(key);
        view = existing ? cloneView(existing) : emptyConnectionView(source, conn, key, readOnly(source));
        changed.set(key, view);
      }
      return [key, view];
    };
    for (let b = 0; b < batches.length; b++) {
      const batch = batches[b]!;
      if ('chunk' in batch) {
        const [key, view] = viewOf(batch.source, batch.chunk.conn);
        const log = hot.getOrCreate(key);
        const start = log.appendChunk(batch.chunk, batch.expectedTotal);
        applyRange(view, log.events, start, log.events.length);
        // Chunks a file's reader sent while the page was busy: the first ones are shown before the rest are adopted.
        if (b < batches.length - 1 && performance.now() > deadline) {
          queue = [...batches.slice(b + 1), ...queue];
          break;
        }
        continue;
      }
      const { events } = batch;
      for (let i = 0; i < events.length; i++) {
        if (++applied % BUDGET_CHECK_EVERY === 0 && performance.now() > deadline) {
          queue = [{ ...batch, events: events.slice(i) }, ...batches.slice(b + 1), ...queue];
          b = batches.length;
          break;
        }
        const event = events[i]!;
        const [key, view] = viewOf(batch.source, event.conn);
        const log = hot.getOrCreate(key);
        applyEvent(view, event, log.append(event));
        feedAppended(log, event);
      }
    }
    const connections = { ...state.connections };
    const revisions = { ...state.revisions };
    for (const [key, view] of changed) {
      connections[key] = view;
      revisions[key] = (revisions[key] ?? 0) + 1;
    }
    const connectionOrder = added.length ? [...state.connectionOrder, ...added] : state.connectionOrder;
    store.setState({
      connections,
      revisions,
      connectionOrder,
      revision: state.revision + 1,
      // With nothing selected, the newest connection is, so a fresh window shows something useful at once.
      ...(state.selected === null && added.length > 0 ? { selected: added[added.length - 1] } : {}),
    });
  }

  return {
    push(source, events) {
      if (events.length === 0) return;
      queue.push({ seq: ++queued, source, events });
      requestFlush();
    },
    pushChunk(source, chunk, expectedTotal = 0) {
      if (chunk.count === 0) return;
      queue.push({ seq: ++queued, source, chunk, expectedTotal });
      requestFlush();
    },
    flush() {
      flush();
      applied();
    },
    afterApplied(then) {
      waiting.push({ through: queued, then });
      applied();
    },
    resetSource(source) {
      flush();
      const state = store.getState();
      const prefix = connKey(source, '');
      const gone = state.connectionOrder.filter((key) => key.startsWith(prefix));
      if (gone.length === 0) return;
      const connections = { ...state.connections };
      const revisions = { ...state.revisions };
      for (const key of gone) {
        delete connections[key];
        delete revisions[key];
        hot.delete(key);
        onForget(key);
      }
      store.setState({
        connections,
        revisions,
        connectionOrder: state.connectionOrder.filter((key) => !key.startsWith(prefix)),
        revision: state.revision + 1,
      });
    },
  };
}
