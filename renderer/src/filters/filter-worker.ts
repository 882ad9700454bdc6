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
// (a million rows are 50 slices).
const channel = new MessageChannel();
const yieldToQueue = (): Promise<void> =>
  new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/**
 * Rows' text is made once the rows stop coming for a moment (a file read, a flood paused), in slices a search can
 * come between: while a file is read the cores are busy with it.
 */
const QUIET_MS = 500;
const PREPARE_SLICE_MS = 8;
let prepareTimer: ReturnType<typeof setTimeout> | undefined;
const prepareSoon = (delay: number): void => {
  clearTimeout(prepareTimer);
  prepareTimer = setTimeout(() => {
    if (!core.prepareText(performance.now() + PREPARE_SLICE_MS)) prepareSoon(0);
  }, delay);
};

scope.onmessage = (event: MessageEvent<ToSearcher>) => {
  const message = event.data;
  if (message.type === 'append') {
    core.append(message);
    prepareSoon(QUIET_MS);
  } else if (message.type === 'forget') core.forget(message.key);
  else if (message.type === 'cancelAll') core.announceAll(message.id);
  else if (message.type === 'searchAll') {
    core.announceAll(message.id);
    void core
      .searchAll(message, (reply) => scope.postMessage(reply), yieldToQueue)
      .then(
        (reply) => scope.postMessage(reply),
        (error: unknown) => scope.postMessage(failed(message.id, error)),
      );
  } else {
    core.announce(message.id);
    void core.search(message, yieldToQueue).then(
      (reply: FromSearcher) =>
        scope.postMessage(reply, reply.type === 'result' ? [reply.matches.buffer] : []),
      (error: unknown) => scope.postMessage(failed(message.id, error)),
    );
  }
};
