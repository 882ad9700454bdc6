/**
 * Starts the system nginx (Debian package) on a free loopback port with a generated config in a temp dir,
 * for integration tests that reproduce field reports. Killed by `stop()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const NGINX_BINARY = '/usr/sbin/nginx';
export const nginxAvailable = (): boolean => existsSync(NGINX_BINARY);

export interface RunningNginx {
  port: number;
  url: string;
  /** Everything nginx wrote to stderr (its error log). */
  log(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * `locationBody` is the inside of `location / { ... }`; `$UPSTREAM` in it is not special, pass the full URL.
 */
export async function startNginx(locationBody: string): Promise<RunningNginx> {
  const dir = await mkdtemp(join(tmpdir(), 'wsi-nginx-'));
  const port = await freePort();
  const runAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const conf = [
    runAsRoot ? 'user root;' : '',
    'worker_processes 1;',
    'events { worker_connections 128; }',
    'http {',
    '  access_log off;',
    `  client_body_temp_path ${dir}/client_body;`,
    `  proxy_temp_path ${dir}/proxy;`,
    `  fastcgi_temp_path ${dir}/fastcgi;`,
    `  uwsgi_temp_path ${dir}/uwsgi;`,
    `  scgi_temp_path ${dir}/scgi;`,
    '  server {',
    `    listen 127.0.0.1:${port};`,
    `    location / { ${locationBody} }`,
    '  }',
    '}',
  ].join('\n');
  const confPath = join(dir, 'nginx.conf');
  await writeFile(confPath, conf);
  let stderr = '';
  const child: ChildProcess = spawn(
    NGINX_BINARY,
    ['-p', dir, '-c', confPath, '-g', `daemon off; error_log stderr info; pid ${dir}/nginx.pid;`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));

  const deadline = Date.now() + 5_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`nginx did not start on port ${port}:\n${stderr}\n--- config ---\n${conf}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    log: () => stderr,
    stop: async () => {
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await gone;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
