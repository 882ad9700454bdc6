import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHar } from '../../../shared/export/har.js';
import { parseSession } from '../../../shared/session/parse.js';
import { buildCore } from '../cli/run-wsi.js';

const exec = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wsi-har-stream-'));
const spoolDir = join(dir, 'tmp');
const sessionFile = join(dir, 'big.jsonl');
const harFile = join(dir, 'big.har');
/** Enough frames for a HAR of about 45 MB: its lists go through the spool file. */
const FRAMES = 80_000;

beforeAll(async () => {
  mkdirSync(spoolDir);
  await buildCore();
  await exec(process.execPath, ['bench/gen-session.js', String(FRAMES), sessionFile], { cwd: root });
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wsi export --har of a large session', () => {
  it('is written in a 64 MB heap, equals the HAR built whole and leaves no temporary file', async () => {
    // Built whole, this session's HAR needs several hundred MB of heap: the streamed export must not.
    const { stderr } = await exec(
      process.execPath,
      ['--max-old-space-size=64', 'bin/wsi.js', 'export', sessionFile, '--har', harFile, '--no-progress'],
      { cwd: root, env: { ...process.env, TMPDIR: spoolDir }, timeout: 240_000 },
    );
    expect(stderr).toBe('');
    const { session, problems } = parseSession(readFileSync(sessionFile, 'utf8'));
    expect(problems).toEqual([]);
    const text = readFileSync(harFile, 'utf8');
    expect(text.length).toBeGreaterThan(20 * 1024 * 1024);
    expect(text).toBe(JSON.stringify(toHar(session), null, 2) + '\n');
    expect(readdirSync(spoolDir)).toEqual([]);
  }, 300_000);

  it('reads back as a HAR: analyzed with every message, or refused with a clear error when over the heap it can use', async () => {
    const analyzed = await exec(
      process.execPath,
      ['bin/wsi.js', 'analyze', harFile, '--json', '--no-progress'],
      {
        cwd: root,
        timeout: 240_000,
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    expect(analyzed.stderr).toMatch(/HAR written by wsi: 1 WebSocket connection/);
    const report = JSON.parse(analyzed.stdout) as { connections: { framesIn: number; framesOut: number }[] };
    expect(report.connections[0]!.framesIn + report.connections[0]!.framesOut).toBe(FRAMES + 2);

    const refused = await exec(
      process.execPath,
      ['--max-old-space-size=64', 'bin/wsi.js', 'analyze', harFile, '--no-progress'],
      { cwd: root, timeout: 60_000 },
    ).catch((error: { code: number; stderr: string }) => error);
    expect('code' in refused ? refused.code : 0).toBe(2);
    expect(refused.stderr).toMatch(
      /is a HAR of \d+ MB: a HAR is one JSON document, read whole, and this process can read one of up to \d+ MB/,
    );
  }, 300_000);
});
