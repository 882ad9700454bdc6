import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../../../main/cli/wsi.js';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import type { TappedWsServer } from '../../helpers/proxy-wire.js';
import { startTappedWsServer } from '../../helpers/proxy-wire.js';

let dir: string;
let server: TappedWsServer;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-proxy-cli-'));
  server = await startTappedWsServer((ws) => ws.on('message', (data) => ws.send(data)));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wsi proxy', () => {
  it.each([
    [[], /give --target URL \(reverse\) or --forward/],
    [['--target', 'ftp://x'], /target must be a ws:\/\//],
    [['--target', 'ws://x', '--forward'], /exclude each other/],
    [['--target', 'ws://x', '--listen', 'nope'], /--listen must be \[HOST:\]PORT/],
    [['--target', 'ws://x', '--duration', '0'], /--duration must be a positive number/],
    [['--target', 'ws://x', '--pass-through', 'a'], /only applies to --forward/],
    [['--target', 'ws://x', '--allow-remote'], /--allow-remote only applies to --forward/],
    [['--forward', '--max-connections', '0'], /--max-connections must be a whole number from 1/],
    [['--bogus'], /Unknown option/],
  ])('rejects %j with exit 2 and a clear message', async (argv, message) => {
    const io = captureIo();
    expect(await runCli(['proxy', ...argv], io)).toBe(2);
    expect(io.err_.join('\n')).toMatch(message);
  });

  it('relays, prints each connection and writes the session for --duration', async () => {
    const port = await freePort();
    const out = path.join(dir, 'session.jsonl');
    const io = captureIo();
    const running = runCli(
      ['proxy', '--target', server.url, '--listen', `127.0.0.1:${port}`, '--duration', '1.5', '--out', out],
      io,
    );
    while (!io.out_.some((line) => line.includes('listening on')))
      await new Promise((r) => setTimeout(r, 20));
    expect(io.out_[0]).toBe(`wsi proxy: listening on 127.0.0.1:${port}, forwarding to ${server.url}/`);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/cli`);
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send('through the cli');
    await new Promise((resolve) => ws.once('message', resolve));
    ws.close(1000, 'done');
    await new Promise((resolve) => ws.once('close', resolve));
    expect(await running).toBe(0);
    const printed = io.out_.join('\n');
    expect(printed).toMatch(/^c\d+ /m);
    expect(printed).toMatch(/through the cli/);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const events = lines.slice(1).map((line) => JSON.parse(line) as { type: string; leg?: string });
    expect(events.filter((e) => e.type === 'http-request').map((e) => e.leg)).toEqual([
      'downstream',
      'upstream',
    ]);
    expect(events.at(-1)?.type).toBe('end');
  });

  it('exits 1 when the address is taken', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    const io = captureIo();
    expect(await runCli(['proxy', '--target', server.url, '--listen', `127.0.0.1:${port}`], io)).toBe(1);
    expect(io.err_.join('\n')).toMatch(/EADDRINUSE/);
    blocker.close();
  });
});
