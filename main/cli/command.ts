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

/** A command whose arguments are parsed first: `help` prints the usage, anything else runs. */
export function defineCommand<A>(spec: {
  name: string;
  summary: string;
  usage: string;
  parse: (argv: string[]) => A | 'help';
  execute: (args: A, io: CommandIo) => Promise<number>;
}): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    run: async (argv, io) => {
      const args = spec.parse(argv);
      if (args === 'help') {
        io.out(spec.usage);
        return EXIT_OK;
      }
      return spec.execute(args, io);
    },
  };
}
