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

/** A positive number of seconds (fractions allowed) from a flag, as milliseconds; undefined when the flag is absent. */
export function parseSeconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--${flag} must be a positive number of seconds, got ${JSON.stringify(text)}`);
  }
  return Math.round(seconds * 1000);
}
