import type { ConnectionId } from '../../shared/model/events.js';

export interface StormPlan {
  count: number;
  concurrency: number;
  intervalMs: number;
  holdMs: number;
}

export interface StormHost {
  /** Start one connection; `onOpen` when its upgrade completed, `onEnd` after its last record. May throw. */
  open(hooks: { onOpen: () => void; onEnd: () => void }): ConnectionId;
  close(conn: ConnectionId): void;
}

export interface RunningStorm {
  /** Resolves with every connection id once the last one has started. */
  started: Promise<ConnectionId[]>;
  /** Resolves once every connection has ended. */
  finished: Promise<ConnectionId[]>;
  /** Start no more connections (those already started run their course). */
  cancel(): void;
}

export const DEFAULT_STORM_CONCURRENCY = 50;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Open `count` connections, at most `concurrency` at a time and `intervalMs` apart; close each after `holdMs` open. */
export function runStorm(plan: StormPlan, host: StormHost): RunningStorm {
  const conns: ConnectionId[] = [];
  let active = 0;
  let cancelled = false;
  let launching = true;
  let slotFreed: (() => void) | undefined;
  let allEnded: (() => void) | undefined;
  const endedAll = new Promise<void>((resolve) => (allEnded = resolve));

  const connectionEnded = (): void => {
    active--;
    slotFreed?.();
    slotFreed = undefined;
    if (active === 0 && !launching) allEnded?.();
  };

  const startOne = (): void => {
    let conn: ConnectionId | undefined;
    let endedEarly = false;
    active++;
    try {
      conn = host.open({
        onOpen: () => {
          const close = (): void => {
            if (conn !== undefined) host.close(conn);
          };
          if (plan.holdMs === 0) setImmediate(close);
          else setTimeout(close, plan.holdMs);
        },
        onEnd: () => {
          if (conn === undefined) endedEarly = true;
          else connectionEnded();
        },
      });
    } catch {
      active--;
      return;
    }
    conns.push(conn);
    if (endedEarly) connectionEnded();
  };

  const started = (async () => {
    for (let i = 0; i < plan.count && !cancelled; i++) {
      while (active >= plan.concurrency && !cancelled) {
        await new Promise<void>((resolve) => (slotFreed = resolve));
      }
      if (cancelled) break;
      if (i > 0 && plan.intervalMs > 0) await sleep(plan.intervalMs);
      if (cancelled) break;
      startOne();
    }
    launching = false;
    if (active === 0) allEnded?.();
    return [...conns];
  })();

  return {
    started,
    finished: started.then(async () => {
      await endedAll;
      return [...conns];
    }),
    cancel: () => {
      cancelled = true;
      slotFreed?.();
    },
  };
}
