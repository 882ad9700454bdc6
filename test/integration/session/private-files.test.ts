import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../../../main/cli/wsi.js';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import { startEchoServer, type RunningWsServer } from '../../helpers/ws-servers.js';

// Session files and exports hold Authorization headers and cookies: owner-only, whatever the umask and whether or not
// the file existed (0644) before.
const dir = mkdtempSync(join(tmpdir(), 'wsi-private-'));
let server: RunningWsServer;
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
const preexisting = (name: string): string => {
  const path = join(dir, name);
  writeFileSync(path, 'old', { mode: 0o644 });
  return path;
};

beforeAll(async () => {
  server = await startEchoServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('files that hold headers are created 0600', () => {
  it('wsi connect --out, new and over an existing 0644 file', async () => {
    for (const out of [join(dir, 'connect.jsonl'), preexisting('connect-old.jsonl')]) {
      const io = captureIo();
      const code = await runCli(
        ['connect', server.url, '-H', 'Authorization: Bearer s3cret', '--duration', '0.2', '--out', out],
        io,
      );
      expect(code, io.err_.join('\n')).toBe(0);
      expect(mode(out)).toBe('600');
    }
  });

  it('wsi proxy --out', async () => {
    const port = await freePort();
    const out = preexisting('proxy.jsonl');
    const io = captureIo();
    const running = runCli(
      ['proxy', '--target', server.url, '--listen', `127.0.0.1:${port}`, '--duration', '0.8', '--out', out],
      io,
    );
    while (!io.out_.some((line) => line.includes('listening on')))
      await new Promise((r) => setTimeout(r, 20));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { headers: { Cookie: 'session=abc' } });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.close(1000);
    expect(await running).toBe(0);
    expect(mode(out)).toBe('600');
  });

  it('wsi export --har --pcapng', async () => {
    const session = join(dir, 'for-export.jsonl');
    expect(await runCli(['connect', server.url, '--duration', '0.2', '--out', session], captureIo())).toBe(0);
    const har = preexisting('out.har');
    const pcapng = join(dir, 'out.pcapng');
    const io = captureIo();
    expect(await runCli(['export', session, '--har', har, '--pcapng', pcapng], io), io.err_.join('\n')).toBe(
      0,
    );
    expect(mode(har)).toBe('600');
    expect(mode(pcapng)).toBe('600');
  });
});
