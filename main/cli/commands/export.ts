import { open } from 'node:fs/promises';
import { concatBytes } from '../../../shared/export/bytes.js';
import { HarStream, PcapngWriter, type HarList } from '../../../shared/export/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { RedactionSummary, SessionHeader } from '../../../shared/model/session.js';
import { buildRules, checkUserRules, redactionText, RedactStream } from '../../../shared/redact/index.js';
import type { RedactionRule } from '../../../shared/redact/index.js';
import { serializeEvent, serializeHeader } from '../../../shared/session/index.js';
import { onePositional, parseCommandLine } from '../args.js';
import { parseProgress, PROGRESS_USAGE, type ProgressMode, type ProgressStream } from '../progress.js';
import { streamSessionFile, type StreamedSession } from '../session-source.js';
import { TextSpool } from '../text-spool.js';
import { PRIVATE_FILE_MODE } from '../../session/private-file.js';
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
${PROGRESS_USAGE}
  -h, --help       show this help

Session files and raw captures are read as a stream and all three formats are written in bounded memory (any size;
HAR's lists go to a temporary file in TMPDIR past 8 MiB); a HAR input is read whole (one too big for this process is
refused). With --redact the input is read twice (the header carries the counts). Fields and what is synthetic are described in docs/exports.md. Problems in a damaged session file are listed on stderr;
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
  /** Progress on stderr (default: on a terminal). */
  progress?: ProgressMode;
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
    progress: { type: 'boolean' },
    'no-progress': { type: 'boolean' },
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
    progress: parseProgress(values.progress, values['no-progress']),
  };
}

/** One output being written: bytes in order, then closed. */
export interface OutputStream {
  write(data: Uint8Array | string): Promise<void>;
  close(): Promise<void>;
}

/** Where exported bytes go: a file, or stdout for "-". Injectable for tests. */
export interface ExportSinks {
  openFile(path: string): Promise<OutputStream>;
  stdout(): OutputStream;
}

/** A file written owner-only, in order, each write awaited (backpressure: reading waits for the disk). */
async function openPrivateStream(path: string): Promise<OutputStream> {
  const handle = await open(path, 'w', PRIVATE_FILE_MODE);
  await handle.chmod(PRIVATE_FILE_MODE).catch(() => undefined);
  return {
    write: async (data) => {
      await handle.write(typeof data === 'string' ? Buffer.from(data) : data);
    },
    close: () => handle.close(),
  };
}

const processSinks: ExportSinks = {
  openFile: openPrivateStream,
  stdout: () => ({
    write: (data) =>
      new Promise((resolve, reject) =>
        process.stdout.write(data, (error) => (error ? reject(error) : resolve())),
      ),
    close: () => Promise.resolve(),
  }),
};

/** Bytes written per output call: records are gathered to about this size first. */
const WRITE_BYTES = 256 * 1024;

type Parts = (Uint8Array | string)[];

/** One format being exported: what it writes at the start, per batch of records, and at the end. */
interface Format {
  name: string;
  path: string;
  start(header: SessionHeader): Parts | Promise<Parts>;
  records(batch: readonly CaptureEvent[]): Parts | Promise<Parts>;
  /** The rest, at once or piece by piece (each written before the next is made). */
  end(): Parts | AsyncIterable<Parts>;
  /** Frees what the format holds outside memory (always called, also after a failure). */
  dispose?(): Promise<void>;
}

function sessionFormat(path: string): Format {
  return {
    name: 'session file',
    path,
    start: (header) => [serializeHeader(header)],
    records: (batch) => [batch.map(serializeEvent).join('')],
    end: () => [],
  };
}

function pcapngFormat(path: string): Format {
  let writer: PcapngWriter | undefined;
  return {
    name: 'pcapng',
    path,
    start: (header) => {
      writer = new PcapngWriter(header);
      return [writer.start()];
    },
    records: (batch) => batch.flatMap((event) => writer?.push(event) ?? []),
    end: () => writer?.end() ?? [],
  };
}

/** The session's clock origin when its header has none: sessionOrigin's, found by reading the file once more. */
async function recordedOrigin(file: string): Promise<number> {
  let origin = 0;
  await streamSessionFile(
    file,
    'export',
    silent,
    {
      start: () => undefined,
      records: (batch) => {
        if (origin > 0) return;
        const first = batch.find((e) => e.type === 'connection' && Number.isFinite(e.at) && e.at > 0);
        if (first?.type === 'connection') origin = first.at - first.t;
      },
    },
    { progress: 'never' },
  );
  return origin;
}

/**
 * HAR is one JSON document whose entries hold each connection's messages: HarStream turns each record into its text as
 * it is read, the lists of the connections are spooled (memory, then a temporary file) and the document is written
 * from them at the end, so any session exports in bounded memory.
 */
function harFormat(path: string, frames: boolean, file: string): Format {
  const spool = new TextSpool<[string, HarList]>();
  let header: SessionHeader | undefined;
  let stream: HarStream | undefined;
  return {
    name: 'HAR',
    path,
    start: async (h) => {
      header = h;
      const origin = h.startedAt > 0 ? h.startedAt : await recordedOrigin(file);
      stream = new HarStream(
        origin,
        { append: (conn, list, text) => spool.append([conn, list], text) },
        { frames },
      );
      return [];
    },
    records: async (batch) => {
      for (const event of batch) stream?.push(event);
      await spool.settle();
      return [];
    },
    end: async function* () {
      if (!header || !stream) return;
      for (const piece of stream.pieces(header)) {
        if (typeof piece === 'string') yield [piece];
        else for await (const text of spool.read([piece.conn, piece.list])) yield [text];
      }
    },
    dispose: () => spool.dispose(),
  };
}

/** An output: its format and stream; a failed one says why once and is skipped from then on. */
class Output {
  stream: OutputStream | undefined;
  failed = false;
  private pending: (Uint8Array | string)[] = [];
  private pendingBytes = 0;

  constructor(
    readonly format: Format,
    private readonly io: CommandIo,
  ) {}

  async open(sinks: ExportSinks): Promise<void> {
    try {
      this.stream = this.format.path === '-' ? sinks.stdout() : await sinks.openFile(this.format.path);
    } catch (error) {
      this.fail(error);
    }
  }

  async write(parts: (Uint8Array | string)[], flush = false): Promise<void> {
    for (const part of parts) {
      this.pending.push(part);
      this.pendingBytes += part.length;
    }
    if (this.failed || !this.stream || (!flush && this.pendingBytes < WRITE_BYTES)) return;
    const data = this.pending.every((p) => typeof p === 'string')
      ? this.pending.join('')
      : concatBytes(this.pending.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    this.pending = [];
    this.pendingBytes = 0;
    try {
      await this.stream.write(data);
    } catch (error) {
      this.fail(error);
    }
  }

  async close(): Promise<void> {
    await this.write([], true);
    try {
      await this.stream?.close();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.pending = [];
    this.io.err(
      `wsi export: cannot write ${this.format.path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

const silent: CommandIo = { out: () => undefined, err: () => undefined };

export async function runExport(
  args: ExportArgs,
  io: CommandIo,
  sinks: ExportSinks = processSinks,
  options: { progressStream?: ProgressStream } = {},
): Promise<number> {
  const sourceOptions = {
    progress: args.progress ?? 'auto',
    ...(options.progressStream ? { progressStream: options.progressStream } : {}),
  };
  // The header carries the redaction counts, so with --redact a first reading counts what will be masked.
  let redaction: RedactionSummary | undefined;
  if (args.redact) {
    const counting = new RedactStream(args.redact);
    const counted = await streamSessionFile(
      args.file,
      'export',
      io,
      {
        start: () => undefined,
        records: (batch) => {
          for (const event of batch) counting.push(event);
        },
      },
      sourceOptions,
    );
    if (!counted) return EXIT_USAGE;
    counting.end();
    redaction = counting.summary();
  }

  const formats: Format[] = [];
  if (args.out !== undefined) formats.push(sessionFormat(args.out));
  if (args.har !== undefined) formats.push(harFormat(args.har, args.frames, args.file));
  if (args.pcapng !== undefined) formats.push(pcapngFormat(args.pcapng));
  const outputs = formats.map((format) => new Output(format, io));
  const redactor = args.redact ? new RedactStream(args.redact) : undefined;
  const connections = new Set<string>();
  let frames = 0;
  let messages = 0;
  const write = async (make: (format: Format) => Parts | Promise<Parts>): Promise<void> => {
    for (const output of outputs) if (!output.failed) await output.write(await make(output.format));
  };
  const records = async (batch: readonly CaptureEvent[]): Promise<void> => {
    for (const event of batch) {
      connections.add(event.conn);
      if (event.type === 'frame') frames++;
      else if (event.type === 'message') messages++;
    }
    if (batch.length > 0) await write((format) => format.records(batch));
  };
  let read: StreamedSession | null;
  try {
    read = await streamSessionFile(
      args.file,
      'export',
      redaction ? silent : io,
      {
        start: async (header) => {
          for (const output of outputs) await output.open(sinks);
          const exported = redaction ? { ...header, redaction } : header;
          await write((format) => format.start(exported));
        },
        records: (batch) => records(redactor ? batch.flatMap((event) => redactor.push(event)) : batch),
      },
      sourceOptions,
    );
    if (!read) return EXIT_USAGE;
    if (redactor) await records(redactor.end());
    for (const output of outputs) {
      if (!output.failed) {
        const rest = output.format.end();
        if (Array.isArray(rest)) await output.write(rest);
        else
          for await (const parts of rest) {
            if (output.failed) break;
            await output.write(parts);
          }
      }
      await output.close();
    }
  } finally {
    for (const format of formats) await format.dispose?.();
  }

  const toStdout = outputs.some((o) => o.format.path === '-');
  const report = toStdout ? io.err : io.out;
  const summary = `${connections.size} connection${connections.size === 1 ? '' : 's'}, ${frames} frames, ${messages} messages`;
  for (const output of outputs)
    if (!output.failed && output.format.path !== '-')
      report(`wsi export: wrote ${output.format.name} ${output.format.path} (${summary})`);
  const header = redaction ? { ...read.header, redaction } : read.header;
  if (header.redaction) report(`wsi export: ${redactionText(header.redaction)}`);
  return outputs.some((o) => o.failed) ? EXIT_FAILED : EXIT_OK;
}

export const exportCommand: Command = defineCommand({
  name: 'export',
  summary:
    'export a recorded session (or a HAR) as a session file, HAR (browser DevTools) and/or pcapng (Wireshark)',
  usage,
  parse: parseExportArgs,
  execute: (args, io) => runExport(args, io),
});
