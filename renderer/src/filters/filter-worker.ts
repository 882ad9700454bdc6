/// <reference lib="webworker" />
import type { FromSearcher, ToSearcher } from './search-core.js';
import { SearchCore } from './search-core.js';

// The text filter's thread: searches run here so the page stays responsive, and a newer search cancels an older one.
const scope = self as unknown as DedicatedWorkerGlobalScope;
const core = new SearchCore();

const failed = (id: number, error: unknown): FromSearcher => ({
  type: 'error',
  id,
  message: error instanceof Error ? error.message : String(error),
});

// A message to itself lets a newer request in between slices without the 4 ms that nested timeouts are clamped to
// (a million rows are 50 slices). Searches and the work done ahead of them yield at once: one waiter per message.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToQueue = (): Promise<void> =>
  new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

/**
 * Work ahead of searches (rows' text, messages decoded for decoded-field queries) is done once the rows stop coming
 * for a moment (a file read, a flood paused), in slices a search can come between, and not while a search runs: while
 * a file is read the cores are busy with it, and a search should have the thread to itself.
 */
const QUIET_MS = 500;
const PREPARE_SLICE_MS = 8;
let prepareTimer: ReturnType<typeof setTimeout> | undefined;
let lastAppend = Number.NEGATIVE_INFINITY;
let searching = 0;
const prepareSoon = (delay: number): void => {
  clearTimeout(prepareTimer);
  prepareTimer = setTimeout(() => void prepareSlices(), delay);
};
const prepareSlices = async (): Promise<void> => {
  const timer = prepareTimer;
  while (timer === prepareTimer && searching === 0) {
    if (core.prepare(performance.now() + PREPARE_SLICE_MS)) return;
    await yieldToQueue();
  }
};
/** Prepares soon: at once, unless rows arrived a moment ago. */
const prepareWhenQuiet = (): void => prepareSoon(Math.max(0, lastAppend + QUIET_MS - performance.now()));

const searchDone = (): void => {
  if (--searching === 0) prepareWhenQuiet();
};

scope.onmessage = (event: MessageEvent<ToSearcher>) => {
  const message = event.data;
  if (message.type === 'append') {
    core.append(message);
    lastAppend = performance.now();
    prepareSoon(QUIET_MS);
  } else if (message.type === 'decoder') {
    core.decoderChosen(message.key, message.choice);
    prepareWhenQuiet();
  } else if (message.type === 'forget') core.forget(message.key);
  else if (message.type === 'cancelAll') core.announceAll(message.id);
  else if (message.type === 'searchAll') {
    core.announceAll(message.id);
    searching++;
    void core
      .searchAll(message, (reply) => scope.postMessage(reply), yieldToQueue)
      .then(
        (reply) => scope.postMessage(reply),
        (error: unknown) => scope.postMessage(failed(message.id, error)),
      )
      .finally(searchDone);
  } else {
    core.announce(message.id);
    searching++;
    const send = (reply: FromSearcher): void =>
      scope.postMessage(
        reply,
        reply.type === 'result' || reply.type === 'partial' ? [reply.matches.buffer] : [],
      );
    void core
      .search(message, yieldToQueue, send)
      .then(send, (error: unknown) => send(failed(message.id, error)))
      .finally(searchDone);
  }
};
