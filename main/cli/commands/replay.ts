import type { CaptureEvent } from '../../../shared/model/events.js';
import type { HttpHeader } from '../../../shared/model/handshake.js';
import { compareReplay, formatReplayComparison, planReplay } from '../../../shared/analysis/replay.js';
import { onePositional, parseCommandLine, parseSeconds } from '../args.js';
import { readSessionFile } from '../session-file.js';
import { createCliInspector } from '../cli-inspector.js';
import { runReplay } from '../../replay/replay-runner.js';
import { parseWebSocketUrl } from '../../core/inspector.js';
import {
  defineCommand,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_USAGE,
  UsageError,
  type Command,
  type CommandIo,
} from '../command.js';
import { parseHeader } from './connect.js';

const usage = `Usage: wsi replay SESSION --conn ID [--url URL] [--speed N|max] [-H 'Name: value']... [--out FILE]

Open a new connection (to the original URL unless --url) and send the client side's messages of connection ID from
the session file with their original spacing, with the original handshake headers (minus hop-by-hop ones and the
Sec-WebSocket-Key/Version/Extensions that ws sets itself). Then print the original and the replay side by side:
client messages, the server's answers (≠ where they differ), how each ended, and the replay's timing error.

Options:
      --conn ID                 the connection to replay (as in wsi analyze)
      --url URL                 send to this ws:// or wss:// URL instead
      --speed N|max             N times the original pace (default 1); max: as fast as the server accepts
  -H, --header 'Name: value'    replace (or add) a handshake header (repeatable)
  -k, --insecure                accept invalid TLS certificates
      --wait SECONDS            how long to wait for the server's answers after the last message (default 1)
  -o, --out FILE                record the replay as a new session file
  -h, --help                    show this help

Exit codes: 0 replayed, 1 the replay connection failed, 2 bad arguments or a session that cannot be replayed.`;

export interface ReplayArgs {
  file: string;
  conn: string;
  url?: string;
  speed: number | 'max';
  headers: HttpHeader[];
  insecure: boolean;
  settleMs: number;
  out?: string;
}

function parseSpeed(text: string | undefined): number | 'max' {
  if (text === undefined) return 1;
  if (text === 'max') return 'max';
  const speed = Number(text);
  if (text.trim() === '' || !Number.isFinite(speed) || speed < 0.01 || speed > 1000)
    throw new UsageError(`--speed must be a number from 0.01 to 1000 or max, got ${JSON.stringify(text)}`);
  return speed;
}

export function parseReplayArgs(argv: string[]): ReplayArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    conn: { type: 'string' },
    url: { type: 'string' },
    speed: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    insecure: { type: 'boolean', short: 'k' },
    wait: { type: 'string' },
    out: { type: 'string', short: 'o' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const file = onePositional(positionals, 'SESSION', 'missing the SESSION file to replay from');
  if (values.conn === undefined || values.conn === '') throw new UsageError('--conn ID is required');
  if (values.url !== undefined) {
    try {
      parseWebSocketUrl(values.url);
    } catch (error) {
      throw new UsageError(`--url: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (values.out === '') throw new UsageError('--out needs a value');
  const settleMs = values.wait === undefined ? 1000 : (parseSeconds('wait', values.wait) ?? 1000);
  return {
    file,
    conn: values.conn,
    ...(values.url !== undefined ? { url: values.url } : {}),
    speed: parseSpeed(values.speed),
    headers: (values.header ?? []).map(parseHeader),
    insecure: values.insecure ?? false,
    settleMs,
    ...(values.out !== undefined ? { out: values.out } : {}),
  };
}

/** The original headers with the -H ones replacing those of the same name. */
function withOverrides(original: readonly HttpHeader[], overrides: readonly HttpHeader[]): HttpHeader[] {
  const replaced = new Set(overrides.map((h) => h.name.toLowerCase()));
  return [...original.filter((h) => !replaced.has(h.name.toLowerCase())), ...overrides];
}

async function replay(args: ReplayArgs, io: CommandIo): Promise<number> {
  const session = await readSessionFile(args.file, 'replay', io);
  if (!session) return EXIT_USAGE;
  const planned = planReplay(session.events, args.conn);
  if (!planned.ok) {
    io.err(`wsi replay: ${planned.error}`);
    return EXIT_USAGE;
  }
  const { plan } = planned;
  const url = args.url ?? plan.url;
  io.out(
    `wsi replay: ${args.conn} (${plan.messages.length} client message${plan.messages.length === 1 ? '' : 's'}) → ${url}, speed ${args.speed}`,
  );
  const inspector = createCliInspector('replay', io, args.out);
  await inspector.ready();
  const events: CaptureEvent[] = [];
  const unsubscribe = inspector.on('capture', (batch) => events.push(...batch.events));
  try {
    const result = await runReplay(inspector, {
      url,
      headers: withOverrides(plan.headers, args.headers),
      protocols: plan.protocols,
      insecure: args.insecure,
      messages: plan.messages,
      speed: args.speed,
      settleMs: args.settleMs,
    });
    const comparison = compareReplay(
      { events: session.events, conn: args.conn },
      { events, conn: result.conn },
      result.sends,
    );
    io.out(formatReplayComparison(comparison));
    return EXIT_OK;
  } catch (error) {
    io.err(`wsi replay: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT_FAILED;
  } finally {
    unsubscribe();
    await inspector.dispose();
    if (args.out) io.err(`wsi replay: session written to ${args.out}`);
  }
}

export const replayCommand: Command = defineCommand({
  name: 'replay',
  summary: "replay a recorded connection's client messages on a new connection and compare the answers",
  usage,
  parse: parseReplayArgs,
  execute: replay,
});
