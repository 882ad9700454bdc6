import { escapeTerminal } from '../../shared/util/terminal-text.js';

/** Where progress goes: stderr, or a stand-in in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export type ProgressMode = 'auto' | 'always' | 'never';

export interface ProgressOptions {
  /** `auto`: only on a terminal; `always`: also to a pipe or file (one line per update); `never`. */
  mode: ProgressMode;
  stream?: ProgressStream;
  /** Work shorter than this shows nothing. */
  afterMs?: number;
  /** Time between updates. */
  everyMs?: number;
  now?: () => number;
}

export interface Progress {
  /** Where the work is: bytes of the input read so far, records handled. Cheap to call per batch. */
  update(doneBytes: number, records: number): void;
  /** The work is over: the last line is cleared (terminal) or completed (pipe). */
  done(): void;
}

const MB = 1024 * 1024;

/**
 * Progress of reading a large input, on stderr: nothing for work under 2 s, then `wsi analyze: FILE 41% (220 of 534 MB,
 * 812,345 records, 3.1 s)` rewritten in place on a terminal. The file name is escaped like every printed line.
 */
export function createProgress(label: string, totalBytes: number, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  const enabled = options.mode === 'always' || (options.mode === 'auto' && tty);
  const now = options.now ?? (() => performance.now());
  const started = now();
  const afterMs = options.afterMs ?? 2000;
  const everyMs = options.everyMs ?? (tty ? 200 : 1000);
  const safeLabel = escapeTerminal(label);
  let lastAt = -Infinity;
  let shown = false;
  let last = { doneBytes: 0, records: 0 };

  const line = (): string => {
    const seconds = ((now() - started) / 1000).toFixed(1);
    const percent = totalBytes > 0 ? Math.min(100, Math.floor((last.doneBytes / totalBytes) * 100)) : 0;
    const size = `${(last.doneBytes / MB).toFixed(0)} of ${(totalBytes / MB).toFixed(0)} MB`;
    return `${safeLabel} ${percent}% (${size}, ${last.records.toLocaleString('en-US')} records, ${seconds} s)`;
  };
  const show = (): void => {
    shown = true;
    stream.write(tty ? `\r\u001b[K${line()}` : `${line()}\n`);
  };

  return {
    update(doneBytes, records) {
      last = { doneBytes, records };
      if (!enabled) return;
      const at = now();
      if (at - started < afterMs || at - lastAt < everyMs) return;
      lastAt = at;
      show();
    },
    done() {
      if (!enabled || !shown) return;
      if (tty) stream.write('\r\u001b[K');
      else {
        last = { doneBytes: totalBytes, records: last.records };
        stream.write(`${line()}\n`);
      }
    },
  };
}

/** The help lines of --progress / --no-progress, shared by the commands that read files. */
export const PROGRESS_USAGE = `      --progress                show reading progress on stderr even when it is not a terminal (one line a
                                second); by default progress shows only on a terminal, for reading over 2 s
      --no-progress             never show progress`;

/** --progress / --no-progress to a mode (--no-progress wins when both are given; default: on a terminal). */
export function parseProgress(progress: boolean | undefined, noProgress: boolean | undefined): ProgressMode {
  if (noProgress) return 'never';
  if (progress) return 'always';
  return 'auto';
}
