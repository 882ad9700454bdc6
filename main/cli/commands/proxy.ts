import { copyFile } from 'node:fs/promises';
import { parseSeconds } from '../args.js';
import { parseArgs } from 'node:util';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { defaultCaDir } from '../../proxy/ca-store.js';
import { createShellProxyController } from '../../proxy/threaded-controller.js';
import { parseTarget } from '../../proxy/reverse-proxy.js';
import type { ProxyFaults, ProxyInfo, ScenarioStep } from '../../../shared/api/contract.js';
import { isLoopbackHost } from '../../proxy/proxy-listener.js';
import { proxyFaults } from '../../../shared/api/contract.js';
import { EXIT_FAILED, EXIT_OK, UsageError, type Command, type CommandIo } from '../command.js';
import {
  PAYLOAD_FLAGS_USAGE,
  PAYLOAD_FLAG_OPTIONS,
  parsePayloadFlags,
  type PayloadLimits,
} from '../payload-flags.js';
import { createCliInspector } from '../cli-inspector.js';
import { readScenarioFile } from '../scenario-file.js';
import {
  MESSAGE_FAULT_FLAG_OPTIONS,
  MESSAGE_FAULT_FLAGS_USAGE,
  parseMessageFaultFlags,
  type MessageFaultValues,
} from '../message-fault-flags.js';
import { formatEvent, formatTime } from '../format.js';

const usage = `Usage: wsi proxy --target <ws://|wss:// url> [options]      (reverse mode)
       wsi proxy --forward [options]                          (forward mode: an HTTP proxy)

Relay WebSocket connections byte for byte and record both legs (client <-> inspector <-> server): the four
handshake heads, every frame in both directions, close frames, TCP FIN/RST and upstream failures. Each
connection is printed as it happens, prefixed with its id.

Reverse mode: every connection to the listening address goes to --target (Host is set to the target's).
Forward mode: point a client's HTTP proxy setting at the listening address; ws:// arrives as an absolute-form
GET, wss:// as CONNECT and is intercepted with a certificate from a local CA (created on first use; trust its
certificate in the client, see --ca-dir and --export-ca) unless the host is on the pass-through list.

Options:
  -t, --target URL               reverse mode: where to forward (ws://, wss://, http://, https://)
  -f, --forward                  forward mode
  -l, --listen [HOST:]PORT       listening address (default 127.0.0.1:8080; other hosts only when given)
  -k, --insecure                 accept invalid upstream TLS certificates
      --ca-dir DIR               forward mode: CA folder (default ${defaultCaDir()})
      --export-ca FILE           forward mode: copy the CA certificate (PEM) to FILE
      --pass-through HOST        forward mode: tunnel HOST (or *.domain) without interception (repeatable)
      --cert-cache N             forward mode: intercepted hosts whose certificate is kept (LRU, default 1000)
      --idle-timeout SECONDS     fault: drop both sides (no close frame) after SECONDS without bytes either way
      --idle-drop fin|rst        how the idle timeout drops (default fin)
      --max-lifetime SECONDS     fault: drop both sides (FIN) SECONDS after the 101, traffic or not
      --reject-upgrades PERCENT[:STATUS]  fault: answer PERCENT% of upgrades with STATUS (default 503) itself
      --drop-after-upgrade PERCENT        fault: relay the 101, then drop PERCENT% of connections (FIN)
      --allow-remote             forward mode: accept clients outside loopback (refused by default: the
                                 proxy relays to any host and port)
      --max-connections N        client sockets open at once (default 512); at the limit the oldest socket
                                 still without its request head is dropped, else the newcomer gets a 503
      --head-timeout SECONDS     a client must send its request head (CONNECT and TLS included) within this
                                 long of connecting, however slowly bytes trickle in (default 30)
${MESSAGE_FAULT_FLAGS_USAGE}
      --scenario FILE.json       faults and timed steps per connection from a file (docs/proxy.md#scenario-files)
      --connect-timeout SECONDS  upstream TCP/TLS connect timeout, then 502/504 (default 10)
      --response-timeout SECONDS wait for the upstream's response head, then 504 (default 30)
  -d, --duration SECONDS         stop after this long (default: until Ctrl-C / SIGTERM)
  -o, --out FILE                 write the session (JSON Lines, see docs/session-format.md) as it is recorded
      --raw FILE                 also keep the raw capture (every relayed chunk, see docs/session-format.md)
      --on-overload hold|drop    when recording cannot keep up: hold (default) spills to disk, then slows the
                                 senders, never losing a frame; drop keeps full speed and counts skipped frames
${PAYLOAD_FLAGS_USAGE}
  -q, --quiet                    do not print frames (handshakes, closes and errors still)
  -h, --help                     show this help

Exit codes: 0 stopped normally, 1 could not listen, 2 bad arguments. See docs/proxy.md.`;

export interface ProxyArgs {
  mode: 'reverse' | 'forward';
  target?: string;
  listenHost: string;
  listenPort: number;
  insecure: boolean;
  caDir?: string;
  exportCa?: string;
  passThrough: string[];
  certCacheSize?: number;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  headTimeoutMs?: number;
  maxConnections?: number;
  allowRemote: boolean;
  durationMs?: number;
  out?: string;
  payloads?: PayloadLimits;
  quiet: boolean;
  faults?: ProxyFaults;
  raw?: string;
  onOverload: 'hold' | 'drop';
  scenarioSteps?: ScenarioStep[];
}

function parsePercent(flag: string, text: string): number {
  const percent = Number(text);
  if (text.trim() === '' || !Number.isFinite(percent) || percent < 0 || percent > 100)
    throw new UsageError(`--${flag} must be a percentage from 0 to 100, got ${JSON.stringify(text)}`);
  return percent;
}

/** The fault flags and a scenario file's `faults` as the API's `faults`, checked by the same validator. */
function parseFaults(
  values: Partial<Record<string, string | boolean | string[]>>,
  fromScenario: ProxyFaults | undefined,
): ProxyFaults | undefined {
  const text = (flag: string): string | undefined =>
    typeof values[flag] === 'string' ? values[flag] : undefined;
  const faults: Record<string, unknown> = {};
  const idle = parseSeconds('idle-timeout', text('idle-timeout'));
  if (idle !== undefined) faults.idleTimeoutMs = idle;
  const drop = text('idle-drop');
  if (drop !== undefined) {
    if (drop !== 'fin' && drop !== 'rst')
      throw new UsageError(`--idle-drop must be fin or rst, got ${JSON.stringify(drop)}`);
    if (idle === undefined) throw new UsageError('--idle-drop needs --idle-timeout');
    faults.idleDrop = drop;
  }
  const lifetime = parseSeconds('max-lifetime', text('max-lifetime'));
  if (lifetime !== undefined) faults.maxLifetimeMs = lifetime;
  const reject = text('reject-upgrades');
  if (reject !== undefined) {
    const [percent = '', status, ...extra] = reject.split(':');
    faults.rejectUpgradePercent = parsePercent('reject-upgrades', percent);
    if (status !== undefined) {
      const code = Number(status);
      if (extra.length > 0 || !Number.isInteger(code) || code < 400 || code > 599)
        throw new UsageError(
          `--reject-upgrades STATUS must be an HTTP status from 400 to 599, got ${JSON.stringify(reject)}`,
        );
      faults.rejectStatus = code;
    }
  }
  const dropAfter = text('drop-after-upgrade');
  if (dropAfter !== undefined) faults.dropAfterUpgradePercent = parsePercent('drop-after-upgrade', dropAfter);
  Object.assign(faults, parseMessageFaultFlags(values as MessageFaultValues));
  for (const [field, value] of Object.entries(fromScenario ?? {})) {
    if (field in faults)
      throw new UsageError(`faults.${field} is set both by a flag and by the --scenario file`);
    faults[field] = value;
  }
  if (Object.keys(faults).length === 0) return undefined;
  try {
    return proxyFaults(faults, 'faults');
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** "8080", ":8080", "0.0.0.0:8080", "[::1]:8080". */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) {
    throw new UsageError(`--listen must be [HOST:]PORT (e.g. 127.0.0.1:8080), got ${JSON.stringify(text)}`);
  }
  const host = match[1] ?? match[2];
  return { host: host === undefined || host === '' ? '127.0.0.1' : host, port };
}

export function parseProxyArgs(argv: string[]): ProxyArgs | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string', short: 't' },
        forward: { type: 'boolean', short: 'f' },
        listen: { type: 'string', short: 'l' },
        insecure: { type: 'boolean', short: 'k' },
        'ca-dir': { type: 'string' },
        'export-ca': { type: 'string' },
        'pass-through': { type: 'string', multiple: true },
        'cert-cache': { type: 'string' },
        'connect-timeout': { type: 'string' },
        'head-timeout': { type: 'string' },
        'max-connections': { type: 'string' },
        'allow-remote': { type: 'boolean' },
        'response-timeout': { type: 'string' },
        duration: { type: 'string', short: 'd' },
        out: { type: 'string', short: 'o' },
        raw: { type: 'string' },
        'on-overload': { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        'idle-timeout': { type: 'string' },
        'idle-drop': { type: 'string' },
        'max-lifetime': { type: 'string' },
        'reject-upgrades': { type: 'string' },
        'drop-after-upgrade': { type: 'string' },
        ...MESSAGE_FAULT_FLAG_OPTIONS,
        scenario: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        ...PAYLOAD_FLAG_OPTIONS,
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const forward = values.forward ?? false;
  if (forward && values.target !== undefined)
    throw new UsageError('--target and --forward exclude each other');
  if (!forward && values.target === undefined)
    throw new UsageError('give --target URL (reverse) or --forward');
  if (!forward) {
    for (const flag of ['ca-dir', 'export-ca', 'pass-through', 'allow-remote', 'cert-cache'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} only applies to --forward`);
    }
  }
  if (values.target !== undefined) {
    try {
      parseTarget(values.target);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  }
  const onOverload = values['on-overload'] ?? 'hold';
  if (onOverload !== 'hold' && onOverload !== 'drop')
    throw new UsageError(`--on-overload must be hold or drop, got ${JSON.stringify(onOverload)}`);
  if (values.raw !== undefined && onOverload === 'drop')
    throw new UsageError('--raw needs the lossless capture (--on-overload hold)');
  for (const [flag, value] of [
    ['out', values.out],
    ['raw', values.raw],
    ['ca-dir', values['ca-dir']],
    ['export-ca', values['export-ca']],
  ] as const) {
    if (value === '') throw new UsageError(`--${flag} needs a value`);
  }
  const listen = parseListen(values.listen ?? '127.0.0.1:8080');
  const connectTimeoutMs = parseSeconds('connect-timeout', values['connect-timeout']);
  const responseTimeoutMs = parseSeconds('response-timeout', values['response-timeout']);
  const headTimeoutMs = parseSeconds('head-timeout', values['head-timeout']);
  const cacheText = values['cert-cache'];
  const certCacheSize = cacheText === undefined ? undefined : Number(cacheText);
  if (
    certCacheSize !== undefined &&
    (!/^\d+$/.test(cacheText ?? '') || certCacheSize < 1 || certCacheSize > 1_000_000)
  )
    throw new UsageError(
      `--cert-cache must be a whole number from 1 to 1000000, got ${JSON.stringify(cacheText)}`,
    );
  const maxText = values['max-connections'];
  const maxConnections = maxText === undefined ? undefined : Number(maxText);
  if (
    maxConnections !== undefined &&
    (!/^\d+$/.test(maxText ?? '') || maxConnections < 1 || maxConnections > 1_000_000)
  )
    throw new UsageError(
      `--max-connections must be a whole number from 1 to 1000000, got ${JSON.stringify(maxText)}`,
    );
  const durationMs = parseSeconds('duration', values.duration);
  const scenario = values.scenario !== undefined ? readScenarioFile(values.scenario) : undefined;
  const faults = parseFaults(values, scenario?.faults);
  return {
    mode: forward ? 'forward' : 'reverse',
    ...(values.target !== undefined ? { target: values.target } : {}),
    listenHost: listen.host,
    listenPort: listen.port,
    insecure: values.insecure ?? false,
    ...(values['ca-dir'] !== undefined ? { caDir: values['ca-dir'] } : {}),
    ...(values['export-ca'] !== undefined ? { exportCa: values['export-ca'] } : {}),
    passThrough: values['pass-through'] ?? [],
    ...(certCacheSize !== undefined ? { certCacheSize } : {}),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    ...(responseTimeoutMs !== undefined ? { responseTimeoutMs } : {}),
    ...(headTimeoutMs !== undefined ? { headTimeoutMs } : {}),
    ...(maxConnections !== undefined ? { maxConnections } : {}),
    allowRemote: values['allow-remote'] ?? false,
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    payloads: parsePayloadFlags(values),
    quiet: values.quiet ?? false,
    ...(faults ? { faults } : {}),
    ...(values.raw !== undefined ? { raw: values.raw } : {}),
    onOverload,
    ...(scenario?.steps?.length ? { scenarioSteps: scenario.steps } : {}),
  };
}

const testParseDelayUs = (): number => Number(process.env.WSI_TEST_PARSE_DELAY_US ?? 0) || 0;
/** "3 at the connection limit, 2 stalled before their request head, 1 outside loopback", or '' when none. */
export function refusalText(refused: ProxyInfo['refused']): string {
  if (!refused) return '';
  return [
    refused.full ? `${refused.full} at the connection limit` : '',
    refused.stalled ? `${refused.stalled} stalled before their request head` : '',
    refused.remote ? `${refused.remote} outside loopback` : '',
  ]
    .filter(Boolean)
    .join(', ');
}

const QUIET_TYPES = new Set<CaptureEvent['type']>(['frame', 'message']);

async function runProxy(args: ProxyArgs, io: CommandIo): Promise<number> {
  const caDir = args.caDir ?? defaultCaDir();
  const controller = createShellProxyController({
    caDir,
    passThrough: args.passThrough,
    ...(args.certCacheSize !== undefined ? { certCacheSize: args.certCacheSize } : {}),
    ...(args.connectTimeoutMs !== undefined ? { connectTimeoutMs: args.connectTimeoutMs } : {}),
    ...(args.responseTimeoutMs !== undefined ? { responseTimeoutMs: args.responseTimeoutMs } : {}),
    onOverload: args.onOverload,
    ring: {
      // Quiet: frames are only written to the file, so they need not cross to this thread at all.
      recordsToHost: args.quiet ? 'lifecycle' : 'all',
      ...(args.raw !== undefined ? { rawPath: args.raw } : {}),
      // Test hook: a parser slowed on purpose, to force the spill path in end-to-end tests of the CLI.
      ...(testParseDelayUs() > 0 ? { parseDelayUs: testParseDelayUs() } : {}),
    },
    ...(args.headTimeoutMs !== undefined ? { headTimeoutMs: args.headTimeoutMs } : {}),
    ...(args.maxConnections !== undefined ? { maxConnections: args.maxConnections } : {}),
  });
  const inspector = createCliInspector('proxy', io, args.out, {
    proxyController: controller,
    ...args.payloads,
  });
  const starts = new Map<string, number>();
  const unsubscribe = inspector.on('capture', ({ events }) => {
    for (const event of events) {
      if (event.type === 'connection') starts.set(event.conn, event.t);
      if (args.quiet && QUIET_TYPES.has(event.type)) continue;
      const t0 = starts.get(event.conn) ?? event.t;
      for (const line of formatEvent(event))
        io.out(`${event.conn.padEnd(5)} ${formatTime(event.t - t0)}  ${line}`);
      if (event.type === 'end') starts.delete(event.conn);
    }
  });
  let refused = '';
  const unsubscribeProxies = inspector.on('proxies', (proxies) => {
    const now = refusalText(proxies[0]?.refused);
    if (now && now !== refused) io.err(`wsi proxy: refused so far: ${now}`);
    refused = now;
  });

  try {
    const info = await inspector.startProxy({
      mode: args.mode,
      listenHost: args.listenHost,
      listenPort: args.listenPort,
      insecure: args.insecure,
      ...(args.target !== undefined ? { target: args.target } : {}),
      ...(args.faults ? { faults: args.faults } : {}),
      ...(args.allowRemote ? { allowRemote: true } : {}),
      ...(args.scenarioSteps ? { scenarioSteps: args.scenarioSteps } : {}),
    });
    if (args.mode === 'reverse') {
      io.out(`wsi proxy: listening on ${info.address}, forwarding to ${info.target ?? args.target ?? ''}`);
    } else {
      io.out(`wsi proxy: forward proxy listening on ${info.address}`);
      io.out(
        args.allowRemote
          ? 'wsi proxy: WARNING: --allow-remote: clients from any address may relay through this proxy to any host and port'
          : isLoopbackHost(args.listenHost)
            ? 'wsi proxy: accepting clients from this machine (loopback) only'
            : `wsi proxy: listening on ${args.listenHost} but accepting clients from loopback only; others are refused (--allow-remote to accept them)`,
      );
      io.out(`wsi proxy: TLS interception CA certificate: ${caDir}/ca-cert.pem (trust it in the client)`);
      if (args.passThrough.length > 0) io.out(`wsi proxy: not intercepted: ${args.passThrough.join(', ')}`);
      if (args.exportCa) {
        await copyFile(`${caDir}/ca-cert.pem`, args.exportCa);
        io.out(`wsi proxy: CA certificate exported to ${args.exportCa}`);
      }
    }
  } catch (error) {
    io.err(`wsi proxy: ${error instanceof Error ? error.message : String(error)}`);
    unsubscribe();
    unsubscribeProxies();
    await inspector.dispose();
    return EXIT_FAILED;
  }

  await new Promise<void>((resolve) => {
    const finish = (): void => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      if (timer) clearTimeout(timer);
      resolve();
    };
    const timer = args.durationMs !== undefined ? setTimeout(finish, args.durationMs) : undefined;
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
  });
  io.err('wsi proxy: stopping (recording finishes what it has not parsed yet; Ctrl-C again to quit at once)');
  const final = refusalText((await inspector.listProxies(undefined))[0]?.refused);
  unsubscribeProxies();
  await inspector.dispose();
  unsubscribe();
  const summary = controller.captureSummary;
  if (summary && (summary.maxLagMs > 100 || summary.spilledBytes > 0 || summary.backpressureMs > 0)) {
    io.err(
      `wsi proxy: recording ran up to ${Math.round(summary.maxLagMs)} ms behind the relay` +
        `${summary.spilledBytes > 0 ? ` (${summary.spilledBytes} bytes via the spill file)` : ''}` +
        `${summary.backpressureMs > 0 ? `; senders held back ${Math.round(summary.backpressureMs)} ms in all` : ''}` +
        '; nothing was lost',
    );
  }
  if (final) io.err(`wsi proxy: refused in all: ${final}`);
  if (args.out) io.err(`wsi proxy: session written to ${args.out}`);
  if (args.raw) io.err(`wsi proxy: raw capture written to ${args.raw}`);
  return EXIT_OK;
}

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'relay WebSocket connections (reverse or forward/HTTP proxy) and record both legs',
  usage,
  run: async (argv, io) => {
    const args = parseProxyArgs(argv);
    if (args === 'help') {
      io.out(usage);
      return EXIT_OK;
    }
    return runProxy(args, io);
  },
};
