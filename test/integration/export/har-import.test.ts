import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/wsi.js';
import type { MessageEvent } from '../../../shared/model/events.js';
import type { Session } from '../../../shared/model/session.js';
import { parseSession } from '../../../shared/session/parse.js';
import { captureIo } from '../../helpers/cli-io.js';
import { startEchoServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { chromeHar } from '../../unit/import/har-fixtures.js';

const exec = promisify(execFile);
const TSHARK = ['/usr/bin/tshark', '/usr/local/bin/tshark'].find((path) => existsSync(path));

const dir = mkdtempSync(join(tmpdir(), 'wsi-har-import-'));
const sessionFile = join(dir, 'echo.jsonl');
const harFile = join(dir, 'echo.har');
let server: RunningWsServer;

const messages = (session: Session) =>
  session.events
    .filter((e): e is MessageEvent => e.type === 'message')
    .map((e) => ({
      conn: e.conn,
      dir: e.message.dir,
      opcode: e.message.opcode,
      at: Math.round((session.header.startedAt + e.t) * 1000) / 1000,
      data: e.message.data,
    }));

beforeAll(async () => {
  server = await startEchoServer();
  const io = captureIo();
  const args = ['connect', server.url, '--send', 'hello', '--send', '{"n":1}', '--duration', '1'];
  expect(await runCli([...args, '--out', sessionFile], io), io.err_.join('\n')).toBe(0);
  expect(await runCli(['export', sessionFile, '--har', harFile], captureIo())).toBe(0);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('wsi on HAR files', () => {
  it('export --har then export HAR --out keeps every message, direction, opcode, time, header and status', async () => {
    const back = join(dir, 'back.jsonl');
    const io = captureIo();
    expect(await runCli(['export', harFile, '--out', back], io), io.err_.join('\n')).toBe(0);
    expect(io.err_).toEqual([
      `wsi export: ${harFile}: HAR written by wsi: 1 WebSocket connection, 0 other entries skipped`,
    ]);
    const original = parseSession(readFileSync(sessionFile, 'utf8')).session;
    const imported = parseSession(readFileSync(back, 'utf8'));
    expect(imported.problems).toEqual([]);
    expect(messages(imported.session)).toEqual(messages(original));
    expect(messages(imported.session)).toHaveLength(4);
    const heads = (s: Session): unknown[] =>
      s.events.flatMap((e): unknown[] =>
        e.type === 'http-request'
          ? [e.head.headers]
          : e.type === 'http-response'
            ? [[e.head.status, e.head.headers]]
            : [],
      );
    expect(heads(imported.session)).toEqual(heads(original));
    expect(imported.session.header.imported?.creator).toBe('wsi');
  });

  it('analyze FILE.har (named anything) reports it, with what could not be checked', async () => {
    const renamed = join(dir, 'chrome-export.json');
    writeFileSync(renamed, JSON.stringify(chromeHar(), null, 2));
    const io = captureIo();
    expect(await runCli(['analyze', renamed], io)).toBe(0);
    const report = io.out_.join('\n');
    expect(report).toMatch(/^NOTE Imported from a HAR written by WebInspector\./);
    expect(report).toContain('wss://chat.example.test/socket?room=7');
    expect(report).toContain('close: unknown (not in the source)');
    expect(io.err_).toEqual([
      `wsi analyze: ${renamed}: HAR written by WebInspector: 1 WebSocket connection, 1 other entry skipped`,
    ]);
    const json = captureIo();
    expect(await runCli(['analyze', renamed, '--json'], json)).toBe(0);
    const parsed = JSON.parse(json.out_.join('')) as { imported: { unchecked: string[] } };
    expect(parsed.imported.unchecked).toContain('close.abnormal');
  });

  it('a broken HAR names each problem on stderr and analyzes what it could read', async () => {
    const har = chromeHar();
    (har.log.entries[1] as { _webSocketMessages: unknown[] })._webSocketMessages.push({
      type: 'receive',
      time: 1,
      opcode: 2,
      data: '%%%',
    });
    const file = join(dir, 'broken.har');
    writeFileSync(file, JSON.stringify(har));
    const io = captureIo();
    expect(await runCli(['analyze', file], io)).toBe(0);
    expect(io.err_[0]).toBe(
      `wsi analyze: ${file}: entry 2 (wss://chat.example.test/socket?room=7): message 5: binary data is not base64; kept as the text it holds`,
    );
    const notJson = join(dir, 'nothing.har');
    writeFileSync(notJson, 'this is not json');
    const bad = captureIo();
    expect(await runCli(['analyze', notJson], bad)).toBe(2);
    expect(bad.err_[0]).toMatch(/nothing\.har: not JSON \(.*\); nothing read$/);
  });

  it.skipIf(!TSHARK)(
    'export FILE.har --pcapng: tshark sees the handshake rebuilt from the HAR headers',
    async () => {
      const pcap = join(dir, 'from-har.pcapng');
      expect(await runCli(['export', harFile, '--pcapng', pcap], captureIo())).toBe(0);
      const { stdout } = await exec(TSHARK!, [
        '-r',
        pcap,
        '-d',
        `tcp.port==${server.port},http`,
        '-Y',
        'http',
        '-T',
        'fields',
        '-e',
        'http.response.code',
        '-e',
        'frame.comment',
      ]);
      const lines = stdout.split('\n').filter(Boolean);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatch(/^101\t/);
      expect(stdout).toContain('HTTP head rebuilt from its header list');
    },
  );
});
