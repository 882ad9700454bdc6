import { parseArgs } from 'node:util';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { HttpHeader } from '../../../shared/model/handshake.js';
import { createInspector, parseWebSocketUrl } from '../../core/inspector.js';
import { CloseSummary } from '../close-summary.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIo } from '../command.js';
import { formatEvent, formatTime } from '../format.js';

const usage = `Usage: wsi connect <ws://|wss:// url> [options]

Open a WebSocket and print what happens on the wire as it happens: the handshake, every frame (time, direction,
opcode, FIN/RSV/MASK bits, length, preview), protocol violations, close frames and TCP events.

Options:
  -H, --header 'Name: value'   add a request header (repeatable)
  -p, --protocol NAME          offer a subprotocol (repeatable)
  -s, --send TEXT              send a text message once open (repeatable, in order)
  -k, --insecure               accept any TLS certificate
      --ping-interval SECONDS  send a protocol ping this often
  -d, --duration SECONDS       close with 1000 after this long (default: until the peer closes or Ctrl-C)
  -o, --out FILE               write the session (JSON Lines, see docs/session-format.md) as it is recorded
  -h, --help                   show this help

Exit codes: 0 the connection opened (however it ended), 1 it never opened, 2 bad arguments.`;

/** How long a requested close may take before the connection is dropped. */
const CLOSE_GRACE_MS = 5_000;

export interface ConnectArgs {
  url: string;
  headers: HttpHeader[];
  protocols: string[];
  send: string[];
  insecure: boolean;
  pingIntervalMs?: number;
  durationMs?: number;
  out?: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function parseHeader(text: string): HttpHeader {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!HEADER_NAME.test(name))
    throw new UsageError(`malformed header ${JSON.stringify(text)}: expected 'Name: value'`);
  const value = text.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError(`header ${name} contains a line break or NUL`);
  return { name, value };
}

function parseSeconds(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--${flag} must be a positive number of seconds, got ${JSON.stringify(text)}`);
  }
  return Math.round(seconds * 1000);
}

export function parseConnectArgs(argv: string[]): ConnectArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        header: { type: 'string', short: 'H', multiple: true },
        protocol: { type: 'string', short: 'p', multiple: true },
        send: { type: 'string', short: 's', multiple: true },
        insecure: { type: 'boolean', short: 'k' },
        'ping-interval': { type: 'string' },
        duration: { type: 'string', short: 'd' },
        out: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length === 0) throw new UsageError('missing the URL to connect to');
  if (positionals.length > 1)
    throw new UsageError(`expected one URL, got ${positionals.length}: ${positionals.join(' ')}`);
  const url = positionals[0] ?? '';
  try {
    parseWebSocketUrl(url);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const pingIntervalMs = parseSeconds('ping-interval', values['ping-interval']);
  const durationMs = parseSeconds('duration', values.duration);
  if (values.out === '') throw new UsageError('--out needs a file name');
  return {
    url,
    headers: (values.header ?? []).map(parseHeader),
    protocols: values.protocol ?? [],
    send: values.send ?? [],
    insecure: values.insecure ?? false,
    ...(pingIntervalMs !== undefined ? { pingIntervalMs } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
  };
}

async function connect(args: ConnectArgs, io: CommandIo): Promise<number> {
  const inspector = createInspector({
    shell: 'cli',
    ...(args.out ? { sessionPath: args.out } : {}),
    onWriteError: (error) => io.err(`wsi connect: cannot write ${args.out ?? ''}: ${error.message}`),
  });
  const summary = new CloseSummary();
  let t0 = 0;
  let conn = '';
  let resolveEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  const pendingSends = [...args.send];

  const print = (event: CaptureEvent): void => {
    if (event.type === 'connection') t0 = event.t;
    for (const line of formatEvent(event)) io.out(`${formatTime(event.t - t0)}  ${line}`);
  };

  const sendQueued = (): void => {
    for (const text of pendingSends.splice(0)) {
      inspector.send({ conn, kind: 'text', data: text }).catch((error: unknown) => {
        io.err(`wsi connect: could not send: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  };

  const unsubscribe = inspector.on('capture', ({ events }) => {
    for (const event of events) {
      if (event.conn !== conn) continue;
      summary.observe(event);
      print(event);
      if (event.type === 'open') sendQueued();
      if (event.type === 'end') {
        io.out(`${formatTime(event.t - t0)}  * ${summary.describe()}`);
        resolveEnd();
      }
    }
  });

  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) {
      io.err(`wsi connect: ${why} again: dropping the connection`);
      void inspector.dispose();
      resolveEnd();
      return;
    }
    stopping = true;
    inspector.close({ conn, code: 1000 }).catch(() => undefined);
    setTimeout(() => {
      io.err(`wsi connect: no close within ${CLOSE_GRACE_MS / 1000} s: dropping the connection`);
      void inspector.dispose();
    }, CLOSE_GRACE_MS).unref();
  };
  const onSignal = (): void => stop('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    ({ conn } = await inspector.connect({
      url: args.url,
      headers: args.headers,
      protocols: args.protocols,
      insecure: args.insecure,
      ...(args.pingIntervalMs !== undefined ? { pingIntervalMs: args.pingIntervalMs } : {}),
    }));
  } catch (error) {
    io.err(`wsi connect: ${error instanceof Error ? error.message : String(error)}`);
    await inspector.dispose();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return EXIT_FAILED;
  }

  const durationTimer =
    args.durationMs !== undefined ? setTimeout(() => stop('duration reached'), args.durationMs) : undefined;
  await ended;
  if (durationTimer) clearTimeout(durationTimer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  await inspector.dispose();
  unsubscribe();
  if (args.out) io.err(`wsi connect: session written to ${args.out}`);
  return summary.wasOpen ? EXIT_OK : EXIT_FAILED;
}

export const connectCommand: Command = {
  name: 'connect',
  summary: 'open a WebSocket and print every frame, close and TCP event as it happens',
  usage,
  run: async (argv, io) => {
    const args = parseConnectArgs(argv);
    if (args === 'help') {
      io.out(usage);
      return EXIT_OK;
    }
    return connect(args, io);
  },
};
