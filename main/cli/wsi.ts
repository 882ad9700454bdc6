import { appVersion } from '../core/version.js';
import { EXIT_OK, EXIT_USAGE, UsageError, type Command, type CommandIo } from './command.js';
import { commands } from './commands/index.js';
import { escapeTerminal } from '../../shared/util/terminal-text.js';

const stdio: CommandIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'wsi - WebSocket inspector (command line)',
    '',
    'Usage: wsi <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "wsi help <command>" for a command\'s options. Also: wsi --help, wsi --version.',
  ].join('\n');
}

const find = (name: string | undefined): Command | undefined => commands.find((c) => c.name === name);

/**
 * Every line a command prints goes through here: server-controlled text (header values, URLs, close reasons, payload
 * previews) cannot send terminal escapes or bidi controls. JSON output stays valid: those characters only occur inside
 * strings there, and "\u202e" is JSON's own escape for them.
 */
export const terminalSafe = (io: CommandIo): CommandIo => ({
  out: (line) => io.out(escapeTerminal(line, { keepNewlines: true })),
  err: (line) => io.err(escapeTerminal(line, { keepNewlines: true })),
});

export async function runCli(argv: string[], rawIo: CommandIo = stdio): Promise<number> {
  const io = terminalSafe(rawIo);
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') {
    (first === undefined ? io.err : io.out)(overview());
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    io.out(appVersion());
    return EXIT_OK;
  }
  if (first === 'help') {
    if (rest[0] === undefined) {
      io.out(overview());
      return EXIT_OK;
    }
    const command = find(rest[0]);
    if (!command) {
      io.err(`wsi: unknown command "${rest[0]}"`);
      io.err(overview());
      return EXIT_USAGE;
    }
    io.out(command.usage);
    return EXIT_OK;
  }
  const command = find(first);
  if (!command) {
    io.err(`wsi: unknown command "${first}"`);
    io.err(overview());
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`wsi ${command.name}: ${error.message}`);
      io.err(command.usage);
      return EXIT_USAGE;
    }
    throw error;
  }
}

export async function main(): Promise<void> {
  try {
    process.exitCode = await runCli(process.argv.slice(2));
  } catch (error) {
    stdio.err(`wsi: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
  // The work is done: if some handle still keeps the process alive, do not hang the terminal on it.
  setTimeout(() => process.exit(), 2_000).unref();
}
