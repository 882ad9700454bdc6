import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createInspector } from '../../../main/core/inspector.js';
import { runCli } from '../../../main/cli/wsi.js';
import { planReplay } from '../../../shared/analysis/replay.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import { parseSession } from '../../../shared/session/parse.js';
import { serializeEvent, serializeHeader } from '../../../shared/session/index.js';
import { captureIo } from '../../helpers/cli-io.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-replay-'));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Answers `n:TEXT` where n counts the messages of the whole server, so a replay's answers differ from the original's. */
async function countingServer(): Promise<
  RunningWsServer & { handshakes: Record<string, string | undefined>[] }
> {
  let n = 0;
  const handshakes: Record<string, string | undefined>[] = [];
  const server = await startWsServer(
    (socket, request) => {
      handshakes.push({
        trace: request.headers['x-trace'] as string | undefined,
        protocol: request.headers['sec-websocket-protocol'],
        cookie: request.headers.cookie,
      });
      socket.on('message', (data: Buffer) => {
        const text = data.toString();
        socket.send(text === 'count' ? `${++n}` : text);
      });
    },
    { handleProtocols: (protocols) => [...protocols][0] ?? false },
  );
  cleanups.push(() => server.close());
  return Object.assign(server, { handshakes });
}

/** Records a session file: one client connection sending `messages` `spacingMs` apart, then closing. */
async function record(url: string, messages: string[], spacingMs: number): Promise<string> {
  const file = join(dir, `original-${Math.random().toString(36).slice(2)}.jsonl`);
  const inspector = createInspector({ shell: 'cli', keepRecords: false, sessionPath: file });
  const events: CaptureEvent[] = [];
  inspector.on('capture', (batch) => events.push(...batch.events));
  const { conn } = await inspector.connect({
    url,
    headers: [
      { name: 'X-Trace', value: 'original' },
      { name: 'Cookie', value: 'session=1' },
    ],
    protocols: ['chat.v2'],
  });
  const waitFor = async (check: () => boolean): Promise<void> => {
    while (!check()) {
      inspector.flush();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await waitFor(() => events.some((e) => e.type === 'open'));
  for (const text of messages) {
    await inspector.send({ conn, kind: 'text', data: text });
    await new Promise((resolve) => setTimeout(resolve, spacingMs));
  }
  const answers = (): number => events.filter((e) => e.type === 'message' && e.message.dir === 's2c').length;
  await waitFor(() => answers() === messages.length);
  await inspector.close({ conn, code: 1000 });
  await waitFor(() => events.some((e) => e.type === 'end'));
  await inspector.dispose();
  return file;
}

const messagesOf = (file: string, dir: 'c2s' | 's2c'): string[] =>
  parseSession(readFileSync(file, 'utf8')).session.events.flatMap((e) =>
    e.type === 'message' && e.message.dir === dir ? [Buffer.from(e.message.data, 'base64').toString()] : [],
  );

describe('wsi replay', () => {
  it('replays the client messages with the original headers and shows where the answers differ', async () => {
    const server = await countingServer();
    const original = await record(server.url, ['hello', 'count', 'count', 'bye'], 50);
    const out = join(dir, 'replay.jsonl');
    const io = captureIo();
    const code = await runCli(
      ['replay', original, '--conn', 'c1', '-H', 'X-Trace: replay', '--wait', '0.3', '--out', out],
      io,
    );
    expect(io.err_.filter((l) => !l.includes('session written'))).toEqual([]);
    expect(code).toBe(0);
    const text = io.out_.join('\n');
    expect(text).toContain('wsi replay: c1 (4 client messages) → ws://127.0.0.1:');
    expect(text).toContain('Server messages (2 differ)');
    expect(text).toMatch(/^ {2}2 {2}≠ +\d+ ms {2}"1" +\d+ ms {2}"3"/m);
    expect(text).toMatch(/^ {2}1 {3} +\d+ ms {2}"hello" +\d+ ms {2}"hello"/m);
    expect(text).toContain('ended: original close 1000 by the client; replay close 1000 by the client');
    expect(text).toMatch(
      /timing error of the replay: max \d+\.\d\d ms, mean \d+\.\d\d ms, p95 \d+\.\d\d ms over 4 messages/,
    );

    expect(server.handshakes).toEqual([
      { trace: 'original', protocol: 'chat.v2', cookie: 'session=1' },
      { trace: 'replay', protocol: 'chat.v2', cookie: 'session=1' },
    ]);
    expect(messagesOf(out, 'c2s')).toEqual(['hello', 'count', 'count', 'bye']);
    expect(messagesOf(out, 's2c')).toEqual(['hello', '3', '4', 'bye']);
  });

  it('keeps the original spacing, scaled by --speed; max sends back to back', async () => {
    const server = await countingServer();
    const original = await record(server.url, ['a', 'b', 'c'], 200);
    const offsets = (file: string): number[] => {
      const events = parseSession(readFileSync(file, 'utf8')).session.events;
      const open = events.find((e) => e.type === 'open')!.t;
      return events.flatMap((e) => (e.type === 'message' && e.message.dir === 'c2s' ? [e.t - open] : []));
    };
    const spacing = (list: number[]): number => (list[2]! - list[0]!) / 2;
    const planned = spacing(offsets(original));
    for (const [speed, factor] of [
      ['2', 0.5],
      ['max', 0],
    ] as const) {
      const out = join(dir, `speed-${speed}.jsonl`);
      expect(
        await runCli(
          ['replay', original, '--conn', 'c1', '--speed', speed, '--wait', '0.1', '--out', out],
          captureIo(),
        ),
      ).toBe(0);
      const got = spacing(offsets(out));
      if (factor === 0) expect(got).toBeLessThan(20);
      else {
        expect(got).toBeGreaterThan(planned * factor - 20);
        expect(got).toBeLessThan(planned * factor + 20);
      }
    }
  });

  it('refuses what cannot be replayed, with a clear message', async () => {
    const server = await countingServer();
    const original = await record(server.url, ['x'], 10);
    const run = async (...argv: string[]) => {
      const io = captureIo();
      return { code: await runCli(['replay', ...argv], io), err: io.err_.join('\n') };
    };
    expect(await run(original)).toMatchObject({
      code: 2,
      err: expect.stringContaining('--conn ID is required') as unknown,
    });
    expect(await run(original, '--conn', 'c9')).toEqual({
      code: 2,
      err: 'wsi replay: no connection c9 in the session',
    });
    expect(await run(original, '--conn', 'c1', '--speed', 'fast')).toMatchObject({ code: 2 });
    expect(await run(original, '--conn', 'c1', '--url', 'http://x/')).toMatchObject({
      code: 2,
      err: expect.stringContaining('--url: unsupported URL scheme "http:"') as unknown,
    });
    const refused = await run(original, '--conn', 'c1', '--url', 'ws://127.0.0.1:1/');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/the replay connection c\d+ did not open: ECONNREFUSED/);

    const truncated = join(dir, 'truncated.jsonl');
    const { session } = parseSession(readFileSync(original, 'utf8'));
    const cut = session.events.map((e) =>
      e.type === 'message' && e.message.dir === 'c2s'
        ? { ...e, message: { ...e.message, truncated: true } }
        : e,
    );
    writeFileSync(
      truncated,
      [serializeHeader(session.header), ...cut.map((e) => serializeEvent(e))].join(''),
    );
    expect((await run(truncated, '--conn', 'c1')).err).toMatch(
      /message #\d+ was recorded truncated \(1 bytes\); record with full payloads \(--full-payloads\)/,
    );
  });

  it('plans a selection of messages from the first selected one, and refuses server messages', () => {
    const events: CaptureEvent[] = [
      { type: 'connection', conn: 'c1', t: 0, mode: 'client', url: 'ws://x/', at: 0 },
      { type: 'open', conn: 'c1', t: 10, protocol: '', extensions: [] },
      ...[1, 2, 3].map((id): CaptureEvent => ({
        type: 'message',
        conn: 'c1',
        t: 100 * id,
        message: {
          id,
          dir: id === 3 ? 's2c' : 'c2s',
          opcode: 1,
          frames: [id],
          wireSize: 1,
          size: 1,
          compressed: false,
          data: 'eA==',
          truncated: false,
        },
      })),
    ];
    const plan = planReplay(events, 'c1', { messageIds: [2] });
    expect(plan).toEqual({
      ok: true,
      plan: {
        url: 'ws://x/',
        headers: [],
        protocols: [],
        messages: [{ id: 2, offsetMs: 0, kind: 'text', data: 'x' }],
      },
    });
    expect(planReplay(events, 'c1', { messageIds: [2, 3] })).toEqual({
      ok: false,
      error: 'only messages the client sent can be replayed; the selection has others',
    });
  });
});
