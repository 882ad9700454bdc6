import { analyzeSession, formatTextReport } from '../../../shared/analysis/index.js';
import type { AnalysisOptions } from '../../../shared/analysis/index.js';
import { onePositional, parseCommandLine, parseSeconds } from '../args.js';
import { readSessionFile } from '../session-file.js';
import { defineCommand, EXIT_OK, EXIT_USAGE, type Command, type CommandIo } from '../command.js';

const usage = `Usage: wsi analyze FILE [--json] [--idle-threshold SECONDS]

Analyze a recorded session: per connection the URL, status, duration, frames and how it closed; then findings
(what went wrong, with measured numbers and a fix). Finding ids are documented in docs/findings.md.

Options:
      --json                    print one JSON object {"connections": [...], "findings": [...]} on stdout
      --idle-threshold SECONDS  the idle timeout you expect on the path: silences over half of it are reported,
                                and a drop after about this much silence is matched to it
  -h, --help                    show this help

FILE is a session file or a HAR (Chrome/Edge, Firefox, HTTP Toolkit, wsi export --har), told apart by content. For a
HAR the report starts with what the HAR does not hold and which findings could not be checked (--json: "imported").
Problems in a damaged file are listed on stderr; everything readable is analyzed.
Exit codes: 0 analyzed (with or without findings), 2 bad arguments or unreadable file.`;

export interface AnalyzeArgs {
  file: string;
  json: boolean;
  idleThresholdMs?: number;
}

export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    json: { type: 'boolean' },
    'idle-threshold': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const file = onePositional(positionals, 'FILE', 'missing the session FILE to analyze');
  const idleThresholdMs = parseSeconds('idle-threshold', values['idle-threshold']);
  return {
    file,
    json: values.json ?? false,
    ...(idleThresholdMs !== undefined ? { idleThresholdMs } : {}),
  };
}

async function analyze(args: AnalyzeArgs, io: CommandIo): Promise<number> {
  const session = await readSessionFile(args.file, 'analyze', io);
  if (!session) return EXIT_USAGE;
  const options: AnalysisOptions =
    args.idleThresholdMs !== undefined ? { idleThresholdMs: args.idleThresholdMs } : {};
  const analysis = analyzeSession(session, options);
  if (args.json)
    io.out(
      JSON.stringify({
        connections: analysis.connections,
        findings: analysis.findings,
        ...(analysis.imported ? { imported: analysis.imported } : {}),
      }),
    );
  else io.out(formatTextReport(analysis));
  return EXIT_OK;
}

export const analyzeCommand: Command = defineCommand({
  name: 'analyze',
  summary: 'explain what went wrong in a recorded session (close attribution, idle drops, handshake errors)',
  usage,
  parse: parseAnalyzeArgs,
  execute: analyze,
});
