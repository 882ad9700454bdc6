// The browser shell: the real inspector behind the bridge. Prints exactly one line, `Inspector UI: <url>`, on stdout.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePayloadFlags } from '../cli/payload-flags.js';
import { createInspector } from '../core/inspector.js';
import { createShellProxyController } from '../proxy/threaded-controller.js';
import { startBridge } from './server.js';

const USAGE =
  'usage: serve.js [--port N] [--host ADDRESS] [--session FILE.jsonl] [--static DIR] [--max-preview BYTES] [--max-payload BYTES] [--preview-rate BYTES]';

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0-65535, got ${text}`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      session: { type: 'string' },
      static: { type: 'string' },
      'max-preview': { type: 'string' },
      'max-payload': { type: 'string' },
      'preview-rate': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(values.port);
  const host = values.host ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') {
    console.error(
      `warning: serving the inspector on ${host}; anyone who can reach it and has the URL controls it`,
    );
  }
  const inspector = createInspector({
    shell: 'browser',
    proxyController: createShellProxyController(),
    ...(values.session ? { sessionPath: values.session } : {}),
    ...parsePayloadFlags(values),
    onWriteError: (error) => console.error(`cannot write the session file: ${error.message}`),
  });
  const staticDir = values.static ?? fileURLToPath(new URL('../../renderer/', import.meta.url));
  const bridge = await startBridge({ service: inspector, host, port, staticDir });
  console.log(`Inspector UI: ${bridge.url}`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled([bridge.close(), inspector.dispose()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  console.error(USAGE);
  process.exit(1);
});
