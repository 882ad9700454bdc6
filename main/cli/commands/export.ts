import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { toHar, toPcapng } from '../../../shared/export/index.js';
import type { Session } from '../../../shared/model/session.js';
import { parseSession } from '../../../shared/session/index.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError, type Command, type CommandIo } from '../command.js';

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
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        har: { type: 'string' },
        pcapng: { type: 'string' },
        'no-frames': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('missing the session FILE to export');
  if (positionals.length > 1)
    throw new UsageError(`expected one FILE, got ${positionals.length}: ${positionals.join(' ')}`);
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
    file: positionals[0] ?? '',
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
  writeFile: (path, data) => writeFile(path, data),
  writeStdout: (data) =>
    new Promise((resolve, reject) =>
      process.stdout.write(data, (error) => (error ? reject(error) : resolve())),
    ),
};

const describeReadError = (error: unknown): string => {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
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
  let text: string;
  try {
    text = await readFile(args.file, 'utf8');
  } catch (error) {
    io.err(`wsi export: cannot read ${args.file}: ${describeReadError(error)}`);
    return EXIT_USAGE;
  }
  const { session, problems } = parseSession(text);
  for (const p of problems) io.err(`wsi export: ${args.file}:${p.line}: ${p.message}`);
  if (session.events.length === 0 && problems.length > 0) {
    io.err(`wsi export: ${args.file} holds no readable session`);
    return EXIT_USAGE;
  }
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

export const exportCommand: Command = {
  name: 'export',
  summary: 'export a recorded session as HAR (browser DevTools) and/or pcapng (Wireshark)',
  usage,
  run: async (argv, io) => {
    const args = parseExportArgs(argv);
    if (args === 'help') {
      io.out(usage);
      return EXIT_OK;
    }
    return runExport(args, io);
  },
};
