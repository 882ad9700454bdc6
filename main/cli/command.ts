/** One `wsi` sub-command. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  /** One line for `wsi --help`. */
  summary: string;
  /** Full usage text for `wsi help <name>` and after argument errors. */
  usage: string;
  run(argv: string[], io: CommandIo): Promise<number>;
}

export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Bad arguments: printed as one line plus the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
