import { MAX_STORM_CONNECTIONS, stormRequest, type StormRequest } from '../../../shared/api/contract.js';
import { PayloadError } from '../../../shared/api/validate.js';
import { summarizeStorm, type StormSummary } from '../../../shared/connect/storm-summary.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseWebSocketUrl } from '../../core/inspector.js';
import { DEFAULT_STORM_CONCURRENCY } from '../../core/storm.js';
import { onePositional, parseCommandLine } from '../args.js';
import { createCliInspector } from '../cli-inspector.js';
import { defineCommand, EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIo } from '../command.js';

const usage = `Usage: wsi storm <ws://|wss:// url> --count N [options]

Open N connections to one URL (a reconnect storm, for load and QA), hold each open, close it with 1000, and record
everything in one session. Prints a summary: attempts, opened, failed (by HTTP status or error), median and p95
handshake time. \`wsi analyze\` on the --out file shows session.reconnect-storm and each connection's outcome.

Options:
  -n, --count N                connections to open (1 to ${MAX_STORM_CONNECTIONS})
  -c, --concurrency C          at most C connections in progress at once (default: min(N, ${DEFAULT_STORM_CONCURRENCY}))
  -i, --interval MS            wait MS milliseconds between starting two connections (default 0)
      --hold SECONDS           keep each connection open this long before closing it (default 0)
  -H, --header 'Name: value'   add a request header (repeatable)
  -k, --insecure               accept any TLS certificate
  -o, --out FILE               write the session (JSON Lines) as it is recorded
  -h, --help                   show this help

Exit codes: 0 every connection opened, 1 some did not, 2 bad arguments.`;

export interface StormArgs {
  request: StormRequest;
  out?: string;
}

function parseWhole(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be a whole number >= ${min}, got ${JSON.stringify(text)}`);
  }
  return n;
}

export function parseStormArgs(argv: string[]): StormArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    count: { type: 'string', short: 'n' },
    concurrency: { type: 'string', short: 'c' },
    interval: { type: 'string', short: 'i' },
    hold: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    insecure: { type: 'boolean', short: 'k' },
    out: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const url = onePositional(positionals, 'URL', 'missing the URL to storm');
  try {
    parseWebSocketUrl(url);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const count = parseWhole('count', values.count, 1);
  if (count === undefined) throw new UsageError('--count is required');
  if (count > MAX_STORM_CONNECTIONS) {
    throw new UsageError(`--count ${count} is more than ${MAX_STORM_CONNECTIONS}: refusing`);
  }
  const concurrency = parseWhole('concurrency', values.concurrency, 1);
  const intervalMs = parseWhole('interval', values.interval, 0);
  let holdMs: number | undefined;
  if (values.hold !== undefined) {
    const seconds = Number(values.hold);
    if (values.hold.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
      throw new UsageError(`--hold must be a number of seconds >= 0, got ${JSON.stringify(values.hold)}`);
    }
    holdMs = Math.round(seconds * 1000);
  }
  if (values.out === '') throw new UsageError('--out needs a file name');
  const headers = (values.header ?? []).map((line) => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`malformed header ${JSON.stringify(line)}: expected 'Name: value'`);
    return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
  });
  const request: StormRequest = {
    url,
    count,
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(holdMs !== undefined ? { holdMs } : {}),
    ...(headers.length > 0 ? { headers } : {}),
    ...(values.insecure ? { insecure: true } : {}),
  };
  try {
    stormRequest(request);
  } catch (error) {
    if (error instanceof PayloadError)
      throw new UsageError(error.message.replace(/^invalid payload at /, ''));
    throw error;
  }
  return { request, ...(values.out !== undefined ? { out: values.out } : {}) };
}

export function formatStormSummary(summary: StormSummary): string[] {
  const lines = [
    `attempts ${summary.attempts}, opened ${summary.opened}, failed ${summary.failed}`,
    ...summary.failures.map((f) => `  failed: ${f.reason} × ${f.count}`),
  ];
  if (summary.handshakeMs) {
    const { median, p95 } = summary.handshakeMs;
    lines.push(`handshake: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`);
  }
  return lines;
}

async function storm(args: StormArgs, io: CommandIo): Promise<number> {
  const inspector = createCliInspector('storm', io, args.out);
  await inspector.ready();
  const events: CaptureEvent[] = [];
  const unsubscribe = inspector.on('capture', (batch) => {
    for (const event of batch.events)
      if (event.type !== 'frame' && event.type !== 'message') events.push(event);
  });
  const { request } = args;
  io.out(
    `storm: ${request.count} connection(s) to ${request.url}, ${request.concurrency ?? Math.min(request.count, DEFAULT_STORM_CONCURRENCY)} at a time`,
  );
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(EXIT_FAILED);
    interrupted = true;
    io.err('wsi storm: interrupted: dropping open connections');
    void inspector.dispose();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let conns: string[] = [];
  try {
    ({ conns } = await inspector.runStorm(request));
  } catch (error) {
    io.err(`wsi storm: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await inspector.dispose();
    unsubscribe();
  }
  const summary = summarizeStorm(events, conns);
  for (const line of formatStormSummary(summary)) io.out(line);
  if (args.out) io.err(`wsi storm: session written to ${args.out}`);
  return summary.failed === 0 && !interrupted ? EXIT_OK : EXIT_FAILED;
}

export const stormCommand: Command = defineCommand({
  name: 'storm',
  summary: 'open N connections to one URL (reconnect storm), record them all and summarize the outcomes',
  usage,
  parse: parseStormArgs,
  execute: storm,
});
