import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../main/cli/wsi.js';
import { serializeEvent, serializeHeader } from '../../../shared/session/index.js';
import { conn, header } from '../../unit/analysis/builders.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'wsi-analyze-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function wsi(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const idleDrop = conn('c1').handshake().text(100, 's2c').tcp(60_300, 'fin', 'server').end(60_301).events;
const sessionText = (events = idleDrop): string =>
  [serializeHeader(header), ...events.map((e) => serializeEvent(e))]
    .map((l) => l.replace(/\n$/, ''))
    .join('\n') + '\n';

describe('wsi analyze', () => {
  it('--json prints exactly one object with connections and findings, exit 0', async () => {
    const file = join(dir, 'idle.jsonl');
    await writeFile(file, sessionText());
    const { code, out } = await wsi('analyze', file, '--json');
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const json = JSON.parse(out[0] ?? '') as { connections: { id: string }[]; findings: { id: string }[] };
    expect(Object.keys(json)).toEqual(['connections', 'findings']);
    expect(json.connections[0]?.id).toBe('c1');
    expect(json.findings.map((f) => f.id)).toEqual(['close.idle-drop', 'close.abnormal']);
  });

  it('prints a readable report without --json', async () => {
    const file = join(dir, 'idle-text.jsonl');
    await writeFile(file, sessionText());
    const { code, out } = await wsi('analyze', file);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('c1  ws://example.test/socket');
    expect(text).toContain('close: tcp-fin by server, browser sees 1006');
    expect(text).toMatch(/ERROR \[close\.idle-drop\] c1: Dropped without a close frame after 60\.\d s/);
    expect(text).toContain('Fix: ');
  });

  it('reports damaged lines on stderr and analyzes the rest', async () => {
    const file = join(dir, 'broken.jsonl');
    await writeFile(file, sessionText().replace('\n', '\n{not json\n') + '{"type":"fra');
    const { code, out, err } = await wsi('analyze', file, '--json');
    expect(code).toBe(0);
    expect(err.join('\n')).toMatch(/broken\.jsonl:2: not valid JSON/);
    expect(err.join('\n')).toMatch(/truncated/);
    expect(JSON.parse(out[0] ?? '{}')).toHaveProperty('connections.0.closeKind', 'tcp-fin');
  });

  it('exit 2 with a clear message for a missing file, bad arguments and a non-session file', async () => {
    const missing = await wsi('analyze', join(dir, 'nope.jsonl'));
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toContain('no such file');
    expect((await wsi('analyze')).code).toBe(2);
    expect((await wsi('analyze', 'a', 'b')).code).toBe(2);
    const badThreshold = await wsi('analyze', 'x', '--idle-threshold', 'soon');
    expect(badThreshold.code).toBe(2);
    expect(badThreshold.err[0]).toContain('--idle-threshold must be a positive number');
    const junk = join(dir, 'junk.txt');
    await writeFile(junk, 'hello\nworld\n');
    const notSession = await wsi('analyze', junk);
    expect(notSession.code).toBe(2);
    expect(notSession.err.join('\n')).toContain('holds no readable session');
  });

  it('--fail-on error exits 1 on an error finding, --fail-on warning also on warnings, 0 when nothing reaches it', async () => {
    const dropped = join(dir, 'gate-error.jsonl');
    await writeFile(dropped, sessionText());
    const failed = await wsi('analyze', dropped, '--fail-on', 'error');
    expect(failed.code).toBe(1);
    expect(failed.out.join('\n')).toContain('ERROR [close.idle-drop]');
    expect(failed.err.join('\n')).toContain('--fail-on error: 2 findings of that severity or worse');
    expect((await wsi('analyze', dropped, '--fail-on', 'warning', '--json')).code).toBe(1);

    const clean = join(dir, 'gate-clean.jsonl');
    await writeFile(
      clean,
      sessionText(conn('c1').handshake().text(100, 's2c').cleanClose(200, 'client').events),
    );
    const cleanRun = await wsi('analyze', clean, '--fail-on', 'warning');
    expect(cleanRun.err).toEqual([]);
    expect(cleanRun.code).toBe(0);
    expect((await wsi('analyze', clean)).code).toBe(0);

    const lossy = join(dir, 'gate-warning.jsonl');
    await writeFile(
      lossy,
      sessionText(conn('c1').handshake().dropped(150, 's2c', 3, 300).cleanClose(200, 'client').events),
    );
    const warned = await wsi('analyze', lossy, '--fail-on', 'warning');
    expect(warned.out.join('\n')).toContain('WARN  [capture.dropped]');
    expect(warned.out.join('\n')).not.toContain('ERROR');
    expect(warned.code).toBe(1);
    expect((await wsi('analyze', lossy, '--fail-on', 'error')).code).toBe(0);
  });

  it('--fail-on with a value other than warning or error: exit 2 naming the flag', async () => {
    const file = join(dir, 'gate-bad.jsonl');
    await writeFile(file, sessionText());
    const bad = await wsi('analyze', file, '--fail-on', 'info');
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toBe('wsi analyze: --fail-on must be warning or error, got "info"');
    expect(bad.out).toEqual([]);
  });
});
