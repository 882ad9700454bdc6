import { readlinkSync } from 'node:fs';
import os from 'node:os';

/** Lowers the calling thread's OS priority (Linux: a thread is a task with its own nice value). */
export function lowerThreadPriority(nice: number): void {
  if (nice <= 0) return;
  try {
    // /proc/thread-self names this thread's id.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, nice);
  } catch {
    // Not Linux or not permitted: capture still runs, at normal priority.
  }
}
