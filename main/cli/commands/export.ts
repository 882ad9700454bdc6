import { toHar, toPcapng } from '../../../shared/export/index.js';
import type { Session } from '../../../shared/model/session.js';
import { onePositional, parseCommandLine } from '../args.js';
import { readSessionFile } from '../session-file.js';
import { writePrivateFile } from '../../session/private-file.js';
import {
  defineCommand,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type Command,
  type CommandIo,
} from '../command.js';

const usage = `Usage: wsi export FILE [--har OUT.har] [--pcapng OUT.pcapng]

Export a recorded session so someone else can open it:
  --har OUT        HAR 1.2 with one WebSocket entry per connection (Chrome DevTools: Network > Import HAR)
  --pcapng OUT     pcapng for Wireshark/tshark: synthetic IPv4/TCP around the exact HTTP heads and frame bytes
Give either or both. OUT "-" writes to stdout (only when exporting one format).
      --no-frames  HAR only: leave out _webSocketFrames (per-frame header bits)
  -h, --help       show this help

Fields and what is synthetic are described in docs/exports.md. Problems in a damaged session file are listed on stderr;
everything readable is exported.
Exit codes: 0 exported, 1 an output could not be written, 2 bad arguments or unreadable session file.`;

export interface ExportArgs {
  file: string;
  har?: string;
  pcapng?: string;
  frames: boolean;
}

export function parseExportArgs(argv: string[]): ExportArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    har: { type: 'string' },
    pcapng: { type: 'string' },
    'no-frames': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const file = onePositional(positionals, 'FILE', 'missing the session FILE to export');
  const { har, pcapng } = values;
  if (har === undefined && pcapng === undefined)
    throw new UsageError('nothing to export: give --har OUT and/or --pcapng OUT');
  if (har === '' || pcapng === '') throw new UsageError('--har and --pcapng need an output file name (or -)');
  if (har !== undefined && har === pcapng)
    throw new UsageError(
      har === '-'
        ? 'only one format can go to stdout (-); write the other to a file'
        : `--har and --pcapng both write to ${har}`,
    );
  return {
    file,
    ...(har !== undefined ? { har } : {}),
    ...(pcapng !== undefined ? { pcapng } : {}),
    frames: !values['no-frames'],
  };
}

/** Where exported bytes go: a file, or stdout for "-". Injectable for tests. */
export interface ExportSinks {
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  writeStdout(data: Uint8Array | string): Promise<void>;
}

const processSinks: ExportSinks = {
  writeFile: (path, data) => writePrivateFile(path, data),
  writeStdout: (data) =>
    new Promise((resolve, reject) =>
      process.stdout.write(data, (error) => (error ? reject(error) : resolve())),
    ),
};

function summarize(session: Session): string {
  const connections = new Set(session.events.map((e) => e.conn)).size;
  const frames = session.events.filter((e) => e.type === 'frame').length;
  const messages = session.events.filter((e) => e.type === 'message').length;
  return `${connections} connection${connections === 1 ? '' : 's'}, ${frames} frames, ${messages} messages`;
}

export async function runExport(
  args: ExportArgs,
  io: CommandIo,
  sinks: ExportSinks = processSinks,
): Promise<number> {
  const session = await readSessionFile(args.file, 'export', io);
  if (!session) return EXIT_USAGE;
  const toStdout = args.har === '-' || args.pcapng === '-';
  const report = toStdout ? io.err : io.out;
  const outputs: { path: string; format: string; render: () => Uint8Array | string }[] = [];
  if (args.har !== undefined)
    outputs.push({
      path: args.har,
      format: 'HAR',
      render: () => JSON.stringify(toHar(session, { frames: args.frames }), null, 2) + '\n',
    });
  if (args.pcapng !== undefined)
    outputs.push({ path: args.pcapng, format: 'pcapng', render: () => toPcapng(session) });

  let code = EXIT_OK;
  for (const output of outputs) {
    const data = output.render();
    try {
      if (output.path === '-') await sinks.writeStdout(data);
      else await sinks.writeFile(output.path, data);
    } catch (error) {
      io.err(
        `wsi export: cannot write ${output.path}: ${error instanceof Error ? error.message : String(error)}`,
      );
      code = EXIT_FAILED;
      continue;
    }
    if (output.path !== '-')
      report(`wsi export: wrote ${output.format} ${output.path} (${summarize(session)})`);
  }
  return code;
}

export const exportCommand: Command = defineCommand({
  name: 'export',
  summary: 'export a recorded session as HAR (browser DevTools) and/or pcapng (Wireshark)',
  usage,
  parse: parseExportArgs,
  execute: (args, io) => runExport(args, io),
});
