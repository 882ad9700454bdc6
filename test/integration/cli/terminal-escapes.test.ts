import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../../../main/cli/wsi.js';
import { escapeTerminal } from '../../../shared/util/terminal-text.js';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import {
  closePayload,
  encodeFrame,
  startRawServer,
  switchingProtocols,
  type RunningRawServer,
} from '../../helpers/raw-servers.js';

// A hostile server's header values, messages and close reason must reach the terminal as visible escapes, never as
// terminal control sequences (retitle, clear screen, colours) or bidi reordering.
const dir = mkdtempSync(join(tmpdir(), 'wsi-escapes-'));
let server: RunningRawServer;
// eslint-disable-next-line no-control-regex -- looking for raw control characters is the point
const RAW_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

beforeAll(async () => {
  server = await startRawServer((socket, upgrade) => {
    socket.write(switchingProtocols(upgrade, ['X-Evil: \x1b]0;pwned\x07\x1b[2J\u009b31m']));
    socket.write(encodeFrame({ opcode: 1, payload: 'invoice_\u202efdp.exe \x1b[31mred' }));
    socket.write(encodeFrame({ opcode: 8, payload: closePayload(4000, '\x1b[2Jbye\u202e\nWARN fake') }));
    setTimeout(() => socket.end(), 50);
  });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectEscaped(printed: string): void {
  expect(printed).not.toMatch(RAW_CONTROLS);
}

describe('server-controlled text is escaped on the terminal', () => {
  it('escapeTerminal: C0, C1, ESC sequences and bidi controls become visible escapes', () => {
    expect(escapeTerminal('a\x1b[31mb\u009bc\u202ed\u2066e\tf\ng\x7f')).toBe(
      'a\\x1b[31mb\\u009bc\\u202ed\\u2066e\\tf\\ng\\x7f',
    );
    expect(escapeTerminal('line 1\nline 2', { keepNewlines: true })).toBe('line 1\nline 2');
    expect(escapeTerminal('plain \\ text, ünïcode ✓')).toBe('plain \\ text, ünïcode ✓');
  });

  it('wsi connect and wsi analyze (text and --json)', async () => {
    const out = join(dir, 'hostile.jsonl');
    const io = captureIo();
    await runCli(['connect', server.url, '--duration', '1', '--out', out], io);
    const printed = io.out_.join('\n');
    expectEscaped(printed);
    expect(printed).toContain('X-Evil: \\x1b]0;pwned\\x07\\x1b[2J');
    expect(printed).toContain('invoice_\\u202efdp.exe \\u001b[31mred');

    const text = captureIo();
    expect(await runCli(['analyze', out], text)).toBe(0);
    const report = text.out_.join('\n');
    expectEscaped(report);
    expect(report).toContain('"\\x1b[2Jbye\\u202e\\nWARN fake"');
    expect(report).not.toMatch(/^WARN fake/m);

    const json = captureIo();
    expect(await runCli(['analyze', out, '--json'], json)).toBe(0);
    expectEscaped(json.out_.join(''));
    const parsed = JSON.parse(json.out_.join('')) as { connections: { closeReason: string }[] };
    expect(parsed.connections[0]?.closeReason).toBe('\x1b[2Jbye\u202e\nWARN fake');
  });

  it('wsi proxy', async () => {
    const port = await freePort();
    const io = captureIo();
    const running = runCli(
      ['proxy', '--target', server.url, '--listen', `127.0.0.1:${port}`, '--duration', '1.2'],
      io,
    );
    while (!io.out_.some((line) => line.includes('listening on')))
      await new Promise((r) => setTimeout(r, 20));
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('close', resolve));
    expect(await running).toBe(0);
    const printed = io.out_.join('\n');
    expectEscaped(printed);
    expect(printed).toContain('invoice_\\u202efdp.exe');
  });
});
