import {
  connectRequest,
  type ConnectAuth,
  type ConnectHeartbeat,
  type ConnectReconnect,
  type ConnectRequest,
} from '../../../shared/api/contract.js';
import { PayloadError } from '../../../shared/api/validate.js';
import type { HttpHeader } from '../../../shared/model/handshake.js';
import { parseWebSocketUrl } from '../../core/inspector.js';
import { CloseSummary } from '../close-summary.js';
import { onePositional, parseCommandLine, parseSeconds } from '../args.js';
import {
  PAYLOAD_FLAGS_USAGE,
  PAYLOAD_FLAG_OPTIONS,
  parsePayloadFlags,
  type PayloadLimits,
} from '../payload-flags.js';
import { defineCommand, EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIo } from '../command.js';
import { createCliInspector } from '../cli-inspector.js';
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
      --bearer TOKEN           send 'Authorization: Bearer TOKEN'
      --basic USER:PASSWORD    send 'Authorization: Basic …' (RFC 7617)
      --query-token NAME=VALUE add NAME=VALUE to the URL's query (percent-encoded)
      --heartbeat-message TEXT send TEXT as a text message at an interval (--heartbeat-interval, else
                               --ping-interval, which then sends the message instead of pings)
      --heartbeat-interval SECONDS
                               heartbeat interval (without --heartbeat-message: protocol pings)
      --pong-timeout SECONDS   when a ping of ours gets no pong this long, drop the connection (no close
                               frame, as ws's heartbeat example and OkHttp do); needs pings (--ping-interval)
      --pong-timeout-action close|report
                               close (default) or only record the timeout and stay connected
      --no-auto-pong           never answer the server's pings (reproduce a client that does not)
      --reconnect              after an end you did not ask for, reconnect with exponential backoff
                               (500 ms doubling up to 30 s, up to 50 % shorter at random); Ctrl-C stops
      --reconnect-max N        give up after N reconnect attempts (default: unlimited)
  -d, --duration SECONDS       close with 1000 after this long (default: until the peer closes or Ctrl-C)
  -o, --out FILE               write the session (JSON Lines, see docs/session-format.md) as it is recorded
${PAYLOAD_FLAGS_USAGE}
  -h, --help                   show this help

Exit codes: 0 the connection opened (however it ended; with --reconnect: any attempt opened), 1 it never
opened, 2 bad arguments.`;

export const CLI_RECONNECT_DEFAULTS = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.5 };

/** How long a requested close may take before the connection is dropped. */
const CLOSE_GRACE_MS = 5_000;

export interface ConnectArgs {
  url: string;
  headers: HttpHeader[];
  protocols: string[];
  send: string[];
  insecure: boolean;
  pingIntervalMs?: number;
  auth?: ConnectAuth;
  heartbeat?: ConnectHeartbeat;
  pongTimeoutMs?: number;
  pongTimeoutAction?: 'close' | 'report';
  autoPong?: boolean;
  reconnect?: ConnectReconnect;
  durationMs?: number;
  out?: string;
  payloads?: PayloadLimits;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function parseHeader(text: string): HttpHeader {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!HEADER_NAME.test(name))
    throw new UsageError(`malformed header ${JSON.stringify(text)}: expected 'Name: value'`);
  const value = text.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError(`header ${name} contains a line break or NUL`);
  return { name, value };
}

function parseAuth(values: {
  bearer?: string | undefined;
  basic?: string | undefined;
  'query-token'?: string | undefined;
}): ConnectAuth | undefined {
  const given = (['bearer', 'basic', 'query-token'] as const).filter((flag) => values[flag] !== undefined);
  if (given.length > 1) throw new UsageError(`use one of --${given.join(', --')}, not several`);
  if (values.bearer !== undefined) {
    if (values.bearer === '') throw new UsageError('--bearer needs a token');
    return { kind: 'bearer', token: values.bearer };
  }
  if (values.basic !== undefined) {
    const colon = values.basic.indexOf(':');
    if (colon < 0) throw new UsageError(`--basic expects USER:PASSWORD, got ${JSON.stringify(values.basic)}`);
    return { kind: 'basic', user: values.basic.slice(0, colon), password: values.basic.slice(colon + 1) };
  }
  const query = values['query-token'];
  if (query !== undefined) {
    const equals = query.indexOf('=');
    if (equals <= 0) throw new UsageError(`--query-token expects NAME=VALUE, got ${JSON.stringify(query)}`);
    return { kind: 'query', name: query.slice(0, equals), value: query.slice(equals + 1) };
  }
  return undefined;
}

function parseCount(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`--${flag} must be a positive whole number, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** Ping and heartbeat flags combined: see the usage text. */
function parseHeartbeat(
  pingIntervalMs: number | undefined,
  heartbeatIntervalMs: number | undefined,
  message: string | undefined,
): { pingIntervalMs?: number; heartbeat?: ConnectHeartbeat } {
  if (message !== undefined) {
    if (message === '') throw new UsageError('--heartbeat-message needs a text');
    const intervalMs = heartbeatIntervalMs ?? pingIntervalMs;
    if (intervalMs === undefined) {
      throw new UsageError('--heartbeat-message needs --heartbeat-interval (or --ping-interval)');
    }
    return {
      heartbeat: { intervalMs, kind: 'message', message },
      ...(heartbeatIntervalMs !== undefined && pingIntervalMs !== undefined ? { pingIntervalMs } : {}),
    };
  }
  if (heartbeatIntervalMs !== undefined && pingIntervalMs !== undefined) {
    throw new UsageError(
      'without --heartbeat-message, give --ping-interval or --heartbeat-interval, not both',
    );
  }
  const interval = heartbeatIntervalMs ?? pingIntervalMs;
  return interval !== undefined ? { pingIntervalMs: interval } : {};
}

/** Check the request the flags make against the contract, so the CLI refuses what the core would. */
function checkRequest(request: ConnectRequest): void {
  try {
    connectRequest(request);
  } catch (error) {
    if (error instanceof PayloadError)
      throw new UsageError(error.message.replace(/^invalid payload at /, ''));
    throw error;
  }
}

export function parseConnectArgs(argv: string[]): ConnectArgs | 'help' {
  const { values, positionals } = parseCommandLine(argv, {
    header: { type: 'string', short: 'H', multiple: true },
    protocol: { type: 'string', short: 'p', multiple: true },
    send: { type: 'string', short: 's', multiple: true },
    insecure: { type: 'boolean', short: 'k' },
    'ping-interval': { type: 'string' },
    bearer: { type: 'string' },
    basic: { type: 'string' },
    'query-token': { type: 'string' },
    'heartbeat-message': { type: 'string' },
    'heartbeat-interval': { type: 'string' },
    'pong-timeout': { type: 'string' },
    'pong-timeout-action': { type: 'string' },
    'no-auto-pong': { type: 'boolean' },
    reconnect: { type: 'boolean' },
    'reconnect-max': { type: 'string' },
    duration: { type: 'string', short: 'd' },
    out: { type: 'string', short: 'o' },
    ...PAYLOAD_FLAG_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) return 'help';
  const url = onePositional(positionals, 'URL', 'missing the URL to connect to');
  try {
    parseWebSocketUrl(url);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const beats = parseHeartbeat(
    parseSeconds('ping-interval', values['ping-interval']),
    parseSeconds('heartbeat-interval', values['heartbeat-interval']),
    values['heartbeat-message'],
  );
  const auth = parseAuth(values);
  const pongTimeoutMs = parseSeconds('pong-timeout', values['pong-timeout']);
  const pongTimeoutAction = values['pong-timeout-action'];
  if (pongTimeoutAction !== undefined && pongTimeoutAction !== 'close' && pongTimeoutAction !== 'report')
    throw new UsageError(
      `--pong-timeout-action must be close or report, got ${JSON.stringify(pongTimeoutAction)}`,
    );
  if (pongTimeoutAction !== undefined && pongTimeoutMs === undefined)
    throw new UsageError('--pong-timeout-action needs --pong-timeout');
  if (pongTimeoutMs !== undefined && beats.pingIntervalMs === undefined)
    throw new UsageError('--pong-timeout needs pings to time: --ping-interval (or --heartbeat-interval)');
  const reconnectMax = parseCount('reconnect-max', values['reconnect-max']);
  if (reconnectMax !== undefined && !values.reconnect)
    throw new UsageError('--reconnect-max needs --reconnect');
  const reconnect: ConnectReconnect | undefined = values.reconnect
    ? { ...CLI_RECONNECT_DEFAULTS, ...(reconnectMax !== undefined ? { maxAttempts: reconnectMax } : {}) }
    : undefined;
  const durationMs = parseSeconds('duration', values.duration);
  if (values.out === '') throw new UsageError('--out needs a file name');
  const args: ConnectArgs = {
    url,
    headers: (values.header ?? []).map(parseHeader),
    protocols: values.protocol ?? [],
    send: values.send ?? [],
    insecure: values.insecure ?? false,
    ...beats,
    ...(pongTimeoutMs !== undefined ? { pongTimeoutMs } : {}),
    ...(pongTimeoutAction !== undefined ? { pongTimeoutAction } : {}),
    ...(values['no-auto-pong'] ? { autoPong: false } : {}),
    ...(auth ? { auth } : {}),
    ...(reconnect ? { reconnect } : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    payloads: parsePayloadFlags(values),
  };
  checkRequest(toConnectRequest(args));
  return args;
}

function toConnectRequest(args: ConnectArgs): ConnectRequest {
  return {
    url: args.url,
    headers: args.headers,
    protocols: args.protocols,
    insecure: args.insecure,
    ...(args.pingIntervalMs !== undefined ? { pingIntervalMs: args.pingIntervalMs } : {}),
    ...(args.auth ? { auth: args.auth } : {}),
    ...(args.heartbeat ? { heartbeat: args.heartbeat } : {}),
    ...(args.pongTimeoutMs !== undefined ? { pongTimeoutMs: args.pongTimeoutMs } : {}),
    ...(args.pongTimeoutAction !== undefined ? { pongTimeoutAction: args.pongTimeoutAction } : {}),
    ...(args.autoPong !== undefined ? { autoPong: args.autoPong } : {}),
    ...(args.reconnect ? { reconnect: args.reconnect } : {}),
  };
}

async function connect(args: ConnectArgs, io: CommandIo): Promise<number> {
  const inspector = createCliInspector('connect', io, args.out, args.payloads);
  await inspector.ready();
  const summaries = new Map<string, CloseSummary>();
  /** Connections of this run: the first, then each reconnect of it. */
  const chain = new Set<string>();
  let t0: number | undefined;
  let conn = '';
  let latestEnded = false;
  let chainDone = !args.reconnect;
  let resolveEnd: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (resolveEnd = resolve));
  const finishIfDone = (): void => {
    if (latestEnded && chainDone) resolveEnd();
  };
  const pendingSends = [...args.send];

  const print = (event: { t: number }, line: string): void => {
    t0 ??= event.t;
    io.out(`${formatTime(event.t - t0)}  ${line}`);
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
      if (event.type === 'connection' && event.reconnectOf !== undefined && chain.has(event.reconnectOf)) {
        chain.add(event.conn);
        conn = event.conn;
        latestEnded = false;
        print(event, `* reconnect attempt ${event.attempt ?? '?'} (after ${event.reconnectDelayMs ?? 0} ms)`);
      }
      if (!chain.has(event.conn)) continue;
      let summary = summaries.get(event.conn);
      if (!summary) summaries.set(event.conn, (summary = new CloseSummary()));
      summary.observe(event);
      for (const line of formatEvent(event)) print(event, line);
      if (event.type === 'open') sendQueued();
      if (event.type === 'end') {
        print(event, `* ${summary.describe()}`);
        if (event.conn === conn) {
          latestEnded = true;
          finishIfDone();
        }
      }
    }
  });

  const stopListening = inspector.on('reconnect', (notice) => {
    inspector.flush();
    const now = { t: inspector.clock.now() };
    if (notice.state === 'scheduled') {
      print(now, `* reconnecting in ${notice.delayMs ?? 0} ms (attempt ${notice.attempt})`);
      return;
    }
    print(
      now,
      notice.state === 'exhausted'
        ? `* giving up after ${notice.attempt} reconnect attempt(s)`
        : '* reconnecting stopped',
    );
    chainDone = true;
    finishIfDone();
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
    chainDone = true;
    inspector.close({ conn, code: 1000 }).catch(() => undefined);
    finishIfDone();
    setTimeout(() => {
      io.err(`wsi connect: no close within ${CLOSE_GRACE_MS / 1000} s: dropping the connection`);
      void inspector.dispose();
    }, CLOSE_GRACE_MS).unref();
  };
  const onSignal = (): void => stop('interrupted');
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    ({ conn } = await inspector.connect(toConnectRequest(args)));
    chain.add(conn);
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
  stopListening();
  if (args.out) io.err(`wsi connect: session written to ${args.out}`);
  return [...summaries.values()].some((s) => s.wasOpen) ? EXIT_OK : EXIT_FAILED;
}

export const connectCommand: Command = defineCommand({
  name: 'connect',
  summary: 'open a WebSocket and print every frame, close and TCP event as it happens',
  usage,
  parse: parseConnectArgs,
  execute: connect,
});
