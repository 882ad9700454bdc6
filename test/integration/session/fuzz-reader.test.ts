import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { runCli } from '../../../main/cli/wsi.js';
import { createInspectorStore } from '../../../renderer/src/store/create-store.js';
import { describeClose } from '../../../renderer/src/ui/describe.js';
import { rowModel } from '../../../renderer/src/ui/row-model.js';
import { analyzeSession, formatTextReport } from '../../../shared/analysis/index.js';
import { toHar, toPcapng } from '../../../shared/export/index.js';
import { parseSession } from '../../../shared/session/parse.js';
import { captureIo, freePort } from '../../helpers/cli-io.js';
import { startWsServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { createFakeApi } from '../../unit/renderer/fake-api.js';

// Random mutations of real session lines (recorded here by `wsi connect` and `wsi proxy`) must never make the reader,
// the analyzers, the exporters, the UI's opener or `wsi analyze` throw: a bad line is a named problem, the rest opens.
const dir = mkdtempSync(join(tmpdir(), 'wsi-fuzz-'));
let server: RunningWsServer;
let lines: string[] = [];
const SEED = 20261205;

beforeAll(async () => {
  server = await startWsServer((socket) => {
    socket.on('message', (data, binary) => socket.send(data, { binary }));
    socket.send('{"hello":"world","n":[1,2,3]}');
    socket.send(Buffer.from([0, 1, 2, 255]));
    socket.ping('beat');
    setTimeout(() => socket.close(4000, 'bye \u202e now'), 150);
  });
  const client = join(dir, 'client.jsonl');
  expect(
    await runCli(['connect', server.url, '--send', 'hi', '--out', client, '--duration', '2'], captureIo()),
  ).toBe(0);
  const proxied = join(dir, 'proxied.jsonl');
  const port = await freePort();
  const io = captureIo();
  const running = runCli(
    ['proxy', '--target', server.url, '--listen', `127.0.0.1:${port}`, '--duration', '1', '--out', proxied],
    io,
  );
  while (!io.out_.some((line) => line.includes('listening on'))) await new Promise((r) => setTimeout(r, 20));
  const ws = new WebSocket(`ws://127.0.0.1:${port}/p`, { headers: { Authorization: 'Bearer x' } });
  ws.on('open', () => ws.send('x'.repeat(20_000)));
  await new Promise((resolve) => ws.once('close', resolve));
  expect(await running).toBe(0);
  const records = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
  const fromProxy = records(proxied)
    .slice(1)
    .map((line) => line.replace(/"conn":"c(\d+)"/, '"conn":"p$1"'));
  lines = [...records(client), ...fromProxy];
  expect(lines.length).toBeGreaterThan(20);
}, 60_000);

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const HOSTILE: Json[] = [
  null,
  1e300,
  -1e300,
  -1,
  0,
  1.5,
  2 ** 60,
  '',
  'x',
  '\u202e\u0000\x1b[31m',
  'AAA=',
  true,
  [],
  {},
  ['a'],
  { a: 1 },
];

/** Every path into a JSON value (object keys and array indices). */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (value === null || typeof value !== 'object') return out;
  for (const key of Array.isArray(value) ? value.keys() : Object.keys(value)) {
    const path = [...prefix, key];
    out.push(path);
    paths((value as Record<string | number, Json>)[key] as Json, path, out);
  }
  return out;
}

function setAt(root: Json, path: (string | number)[], replace: Json | undefined): void {
  let node = root as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path.at(-1) as string | number;
  if (replace === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = replace ?? null;
}

const mutation = fc.record({
  line: fc.nat(),
  kind: fc.constantFrom('value', 'delete', 'truncate', 'char', 'type'),
  pick: fc.nat(),
  hostile: fc.constantFrom(...HOSTILE),
  char: fc.string({ minLength: 1, maxLength: 1 }),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(source: string[], m: Mutation): string[] {
  const out = [...source];
  const index = m.line % out.length;
  const line = out[index] ?? '';
  if (m.kind === 'truncate') out[index] = line.slice(0, m.pick % (line.length + 1));
  else if (m.kind === 'char') {
    const at = m.pick % (line.length + 1);
    out[index] = line.slice(0, at) + m.char + line.slice(at + 1);
  } else {
    let value: Json;
    try {
      value = JSON.parse(line) as Json;
    } catch {
      return out; // already broken by an earlier mutation
    }
    const all = paths(value);
    const path = all[m.pick % Math.max(1, all.length)];
    if (m.kind === 'type')
      (value as Record<string, Json>).type = ['frame', 'message', 'open', 'end'][m.pick % 4] ?? 'x';
    else if (path) setAt(value, path, m.kind === 'delete' ? undefined : m.hostile);
    out[index] = JSON.stringify(value);
  }
  return out;
}

const mutatedSession = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => {
  let out = lines;
  for (const m of ms) out = mutate(out, m);
  return out.join('\n') + '\n';
});

describe('fuzzed session files', () => {
  it('parseSession, the analyzers and both exporters never throw; every line is a record or a named problem', () => {
    fc.assert(
      fc.property(mutatedSession, (text) => {
        const { session, problems } = parseSession(text);
        const nonEmpty = text.split('\n').filter((l) => l.trim() !== '').length;
        const headerRead = problems.some((p) => p.line === 1) ? 0 : 1;
        expect(session.events.length + problems.filter((p) => p.line > 1).length).toBeGreaterThanOrEqual(
          nonEmpty - headerRead - 1,
        );
        for (const p of problems) expect(p.line).toBeGreaterThanOrEqual(1);
        const analysis = analyzeSession(session, { recordingEnded: true });
        expect(formatTextReport(analysis)).toContain('Connections (');
        JSON.stringify(analysis);
        toHar(session);
        toPcapng(session);
      }),
      { seed: SEED, numRuns: 2000, endOnFailure: true },
    );
  }, 180_000);

  it("the UI's opener: the file opens (streamed), and every row, close line and analysis renders", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedSession, fc.integer({ min: 1, max: 4096 }), async (text, chunk) => {
        const store = createInspectorStore(createFakeApi().api, { schedule: () => undefined });
        await store.start();
        const pieces: string[] = [];
        for (let i = 0; i < text.length; i += chunk) pieces.push(text.slice(i, i + chunk));
        const stream = new ReadableStream<string>({
          start(controller) {
            for (const piece of pieces) controller.enqueue(piece);
            controller.close();
          },
        });
        const outcome = await store.getState().openSessionStream('fuzz.jsonl', stream);
        expect(outcome.status).toBe('done');
        const state = store.getState();
        const startedAt = state.sources.file1?.startedAt ?? 0;
        for (const key of state.connectionOrder.filter((k) => k.startsWith('file1/'))) {
          const view = state.connections[key];
          const log = store.hot.get(key);
          if (!view || !log) continue;
          describeClose(view);
          const events = Array.from(log.events.range());
          for (const event of events) rowModel(event, log);
          analyzeSession({ header: { startedAt }, events }, { recordingEnded: true });
        }
        store.dispose();
      }),
      { seed: SEED, numRuns: 400, endOnFailure: true },
    );
  }, 180_000);

  it('wsi analyze analyzes the rest and says what was skipped', async () => {
    const file = join(dir, 'fuzzed.jsonl');
    await fc.assert(
      fc.asyncProperty(mutatedSession, async (text) => {
        writeFileSync(file, text);
        for (const json of [false, true]) {
          const io = captureIo();
          const code = await runCli(['analyze', file, ...(json ? ['--json'] : [])], io);
          const { session, problems } = parseSession(text);
          if (session.events.length === 0) {
            expect(code).toBe(2);
            continue;
          }
          expect(code, io.err_.join('\n')).toBe(0);
          if (json) JSON.parse(io.out_.join(''));
          else expect(io.out_.join('\n')).toContain('Connections (');
          if (problems.some((p) => p.line > 1))
            expect(io.err_.join('\n')).toMatch(
              /line(s)? of .* skipped \(listed above\); using the other \d+ record/,
            );
        }
      }),
      { seed: SEED, numRuns: 150, endOnFailure: true },
    );
  }, 180_000);
});
