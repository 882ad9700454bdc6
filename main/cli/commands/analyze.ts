import { AnalysisStream, formatTextReport } from '../../../shared/analysis/index.js';
import type { AnalysisOptions } from '../../../shared/analysis/index.js';
import type { Finding, Severity } from '../../../shared/model/finding.js';
import { onePositional, parseCommandLine, parseSeconds } from '../args.js';
import { streamSessionFile } from '../session-source.js';
import { parseProgress, PROGRESS_USAGE } from '../progress.js';
import type { ProgressMode } from '../progress.js';
import {
  defineCommand,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type Command,
  type CommandIo,
} from '../command.js';

const usage = `Usage: wsi analyze FILE [--json] [--idle-threshold SECONDS] [--fail-on warning|error] [--progress|--no-progress]

Analyze a recorded session: per connection the URL, status, duration, frames and how it closed; then findings
(what went wrong, with measured numbers and a fix). Finding ids are documented in docs/findings.md.

Options:
      --json                    print one JSON object {"connections": [...], "findings": [...]} on stdout
      --idle-threshold SECONDS  the idle timeout you expect on the path: silences over half of it are reported,
                                and a drop after about this much silence is matched to it
      --fail-on warning|error   exit 1 when a finding of that severity or worse exists (a CI gate)
${PROGRESS_USAGE}
  -h, --help                    show this help

FILE is a session file, a raw capture (wsi proxy --raw) or a HAR (Chrome/Edge, Firefox, HTTP Toolkit, wsi export
--har), told apart by content. For a HAR the report starts with what the HAR does not hold and which findings could
not be checked (--json: "imported"). Session files and raw captures are read as a stream (any size, bounded
memory); a HAR is read whole (one too big for this process is refused). Problems in a damaged file are listed on stderr; everything readable is analyzed.
Exit codes: 0 analyzed (with --fail-on: and no finding of that severity or worse), 1 --fail-on matched a finding,
2 bad arguments or unreadable file.`;

const FAIL_ON = ['warning', 'error'] as const;
type FailOn = (typeof FAIL_ON)[number];
const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export interface AnalyzeArgs {
  file: string;
  json: boolean;
  idleThresholdMs?: number;
  failOn?: FailOn;
  progress: ProgressMode;
}

function parseFailOn(text: string | undefined): FailOn | undefined {
  if (text === undefined) return undefined;
  const found = FAIL_ON.find((level) => level === text);
  if (!found) throw new UsageError(`--fail-on must be warning or error, got ${JSON.stringify(text)}`);
  return found;
}

/** The findings at or above the --fail-on severity. */
export function atOrAbove<F extends Pick<Finding, 'severity'>>(findings: readonly F[], failOn: FailOn): F[] {
  return findings.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]);
}

export function parseAnalyzeArgs(argv: string[]): AnalyzeArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    json: { type: 'boolean' },
    'idle-threshold': { type: 'string' },
    'fail-on': { type: 'string' },
    progress: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const file = onePositional(positionals, 'FILE', 'missing the session FILE to analyze');
  const idleThresholdMs = parseSeconds('idle-threshold', values['idle-threshold']);
  const failOn = parseFailOn(values['fail-on']);
  return {
    file,
    json: values.json ?? false,
    progress: parseProgress(values.progress, values['no-progress']),
    ...(idleThresholdMs !== undefined ? { idleThresholdMs } : {}),
    ...(failOn !== undefined ? { failOn } : {}),
  };
}

async function analyze(args: AnalyzeArgs, io: CommandIo): Promise<number> {
  // A file is a finished recording: a connection without its end record was cut (capture.cut).
  const options: AnalysisOptions = {
    recordingEnded: true,
    ...(args.idleThresholdMs !== undefined ? { idleThresholdMs: args.idleThresholdMs } : {}),
  };
  const stream = new AnalysisStream(options);
  const read = await streamSessionFile(
    args.file,
    'analyze',
    io,
    {
      start: () => undefined,
      records: (batch) => {
        for (const event of batch) stream.push(event);
      },
    },
    { progress: args.progress },
  );
  if (!read) return EXIT_USAGE;
  const analysis = stream.result(read.header);
  if (args.json)
    io.out(
      JSON.stringify({
        connections: analysis.connections,
        findings: analysis.findings,
        ...(analysis.imported ? { imported: analysis.imported } : {}),
      }),
    );
  else io.out(formatTextReport(analysis));
  const failing = args.failOn !== undefined ? atOrAbove(analysis.findings, args.failOn).length : 0;
  if (failing > 0) {
    io.err(
      `--fail-on ${args.failOn}: ${failing} finding${failing === 1 ? '' : 's'} of that severity or worse`,
    );
    return EXIT_FAILED;
  }
  return EXIT_OK;
}

export const analyzeCommand: Command = defineCommand({
  name: 'analyze',
  summary: 'explain what went wrong in a recorded session (close attribution, idle drops, handshake errors)',
  usage,
  parse: parseAnalyzeArgs,
  execute: analyze,
});
