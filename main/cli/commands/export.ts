import { toHar, toPcapng } from '../../../shared/export/index.js';
import type { Session } from '../../../shared/model/session.js';
import { buildRules, checkUserRules, redactionText, redactSession } from '../../../shared/redact/index.js';
import type { RedactionRule } from '../../../shared/redact/index.js';
import { serializeSession } from '../../../shared/session/index.js';
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

const usage = `Usage: wsi export FILE [--redact [--redact-header NAME]... [--redact-json-field F]... [--redact-regex RE]...]
                 [--out OUT.jsonl] [--har OUT.har] [--pcapng OUT.pcapng]

Export a recorded session (or a HAR, told apart by content) so someone else can open it:
  --out OUT        a session file (JSON Lines; what the app and wsi analyze open)
  --har OUT        HAR 1.2 with one WebSocket entry per connection (Chrome DevTools: Network > Import HAR)
  --pcapng OUT     pcapng for Wireshark/tshark: synthetic IPv4/TCP around the exact HTTP heads and frame bytes
Give one or more. OUT "-" writes to stdout (only when exporting one format).

Redaction for sharing (applied the same way to every output):
      --redact                  mask secrets: Authorization, Proxy-Authorization, Cookie, Set-Cookie headers; query
                                parameters named like token/key/secret/password/auth; JSON fields password, token,
                                access_token, refresh_token, secret, api_key (in text payloads)
      --redact-header NAME      also mask this header's values (repeatable)
      --redact-json-field F     also mask this JSON field: a name (any depth) or a path like $.user.pin (repeatable)
      --redact-regex RE         also mask every match of this regular expression in URLs, headers and text payloads
                                (repeatable)
  Any --redact-* flag implies --redact. Masks keep lengths (*** for text), so sizes and frames stay as recorded; the
  outputs list the rules applied and how many values each replaced.
      --no-frames  HAR only: leave out _webSocketFrames (per-frame header bits)
  -h, --help       show this help

Fields and what is synthetic are described in docs/exports.md. Problems in a damaged session file are listed on stderr;
everything readable is exported.
Exit codes: 0 exported, 1 an output could not be written, 2 bad arguments or unreadable session file.`;

export interface ExportArgs {
  file: string;
  out?: string;
  har?: string;
  pcapng?: string;
  frames: boolean;
  /** Redaction rules to apply before writing, when redacting. */
  redact?: RedactionRule[];
}

export function parseExportArgs(argv: string[]): ExportArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    out: { type: 'string' },
    har: { type: 'string' },
    pcapng: { type: 'string' },
    'no-frames': { type: 'boolean' },
    redact: { type: 'boolean' },
    'redact-header': { type: 'string', multiple: true },
    'redact-json-field': { type: 'string', multiple: true },
    'redact-regex': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const file = onePositional(positionals, 'FILE', 'missing the session FILE to export');
  const { out, har, pcapng } = values;
  const given = [
    ['--out', out],
    ['--har', har],
    ['--pcapng', pcapng],
  ].filter((pair): pair is [string, string] => pair[1] !== undefined);
  if (given.length === 0)
    throw new UsageError('nothing to export: give --out OUT, --har OUT and/or --pcapng OUT');
  for (const [flag, path] of given)
    if (path === '') throw new UsageError(`${flag} needs an output file name (or -)`);
  given.forEach(([flag, path], i) => {
    const other = given.slice(i + 1).find(([, p]) => p === path);
    if (other)
      throw new UsageError(
        path === '-'
          ? 'only one format can go to stdout (-); write the others to files'
          : `${flag} and ${other[0]} both write to ${path}`,
      );
  });
  const userRules = {
    headers: values['redact-header'] ?? [],
    jsonFields: values['redact-json-field'] ?? [],
    regexes: values['redact-regex'] ?? [],
  };
  const redacting =
    values.redact === true ||
    userRules.headers.length + userRules.jsonFields.length + userRules.regexes.length > 0;
  let redact: RedactionRule[] | undefined;
  if (redacting) {
    const problem = checkUserRules({ defaults: true, ...userRules });
    if (problem) throw new UsageError(problem);
    redact = buildRules({ defaults: true, ...userRules });
  }
  return {
    file,
    ...(redact ? { redact } : {}),
    ...(out !== undefined ? { out } : {}),
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
  const read = await readSessionFile(args.file, 'export', io);
  if (!read) return EXIT_USAGE;
  const session = args.redact ? redactSession(read, args.redact) : read;
  const toStdout = args.out === '-' || args.har === '-' || args.pcapng === '-';
  const report = toStdout ? io.err : io.out;
  const outputs: { path: string; format: string; render: () => Uint8Array | string }[] = [];
  if (args.out !== undefined)
    outputs.push({ path: args.out, format: 'session file', render: () => serializeSession(session) });
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
  if (session.header.redaction) report(`wsi export: ${redactionText(session.header.redaction)}`);
  return code;
}

export const exportCommand: Command = defineCommand({
  name: 'export',
  summary:
    'export a recorded session (or a HAR) as a session file, HAR (browser DevTools) and/or pcapng (Wireshark)',
  usage,
  parse: parseExportArgs,
  execute: (args, io) => runExport(args, io),
});
