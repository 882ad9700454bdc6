import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { UsageError } from './command.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode with positionals; its errors become UsageError (exit code 2). */
export function parseCommandLine<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: true, options });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** The single positional argument a command takes (a URL, a FILE), or a UsageError naming what is wrong. */
export function onePositional(positionals: string[], noun: string, missing: string): string {
  if (positionals.length === 0) throw new UsageError(missing);
  if (positionals.length > 1)
    throw new UsageError(`expected one ${noun}, got ${positionals.length}: ${positionals.join(' ')}`);
  return positionals[0] ?? '';
}
