import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventLog } from '../../../main/session/event-log.js';
import { SessionWriter } from '../../../main/session/session-writer.js';
import type { CaptureEvent } from '../../../shared/model/index.js';
import { parseSession } from '../../../shared/session/parse.js';
import { createSessionHeader } from '../../../shared/session/serialize.js';

const dir = mkdtempSync(join(tmpdir(), 'wsi-session-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const header = createSessionHeader(Date.now(), 'wsi test');
const tcp = (t: number): CaptureEvent => ({
  type: 'tcp',
  conn: 'c1',
  t,
  leg: 'direct',
  kind: 'connect',
  side: 'server',
});
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SessionWriter', () => {
  it('writes the header at once and records within the flush interval, before close', async () => {
    const path = join(dir, 'live.jsonl');
    const writer = new SessionWriter(path, header, { flushIntervalMs: 50 });
    writer.append([tcp(1), tcp(2)]);
    // Not closed: the records must reach the file on the timer alone (polled: the machine may be busy).
    for (let i = 0; i < 40 && parseSession(readFileSync(path, 'utf8')).session.events.length < 2; i++)
      await wait(50);
    const live = parseSession(readFileSync(path, 'utf8'));
    expect(live.problems).toEqual([]);
    expect(live.session.events).toHaveLength(2);
    writer.append([tcp(3)]);
    await writer.close();
    await writer.close();
    expect(parseSession(readFileSync(path, 'utf8')).session.events).toHaveLength(3);
  });

  it('keeps every record in order, multi-byte text and records larger than its 1 MiB chunks included', async () => {
    const path = join(dir, 'sizes.jsonl');
    const writer = new SessionWriter(path, header);
    const error = (t: number, message: string): CaptureEvent => ({
      type: 'error',
      conn: 'c1',
      t,
      code: 'X',
      message,
    });
    const events: CaptureEvent[] = [];
    for (let t = 0; t < 3000; t++) {
      const message =
        t % 1000 === 999 ? 'ü€😀'.repeat(150_000) : t % 7 === 0 ? `né ${'€'.repeat(t)} 😀` : `plain ${t}`;
      events.push(error(t, message));
    }
    writer.append(events);
    await writer.close();
    const { session, problems } = parseSession(readFileSync(path, 'utf8'));
    expect(problems).toEqual([]);
    expect(session.events).toStrictEqual(events);
  });

  it('survives being cut mid-line (a kill): every complete record is read and the cut line is named', async () => {
    const path = join(dir, 'killed.jsonl');
    const writer = new SessionWriter(path, header);
    writer.append(Array.from({ length: 10 }, (_, i) => tcp(i)));
    await writer.close();
    truncateSync(path, statSync(path).size - 7);
    const { session, problems } = parseSession(readFileSync(path, 'utf8'));
    expect(session.events).toHaveLength(9);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.line).toBe(11);
    expect(problems[0]?.message).toMatch(/truncated/);
  });

  it('reports a file it cannot write instead of throwing', async () => {
    const errors: Error[] = [];
    const writer = new SessionWriter(join(dir, 'missing-dir', 'x.jsonl'), header, {
      onError: (e) => errors.push(e),
    });
    writer.append([tcp(1)]);
    await writer.close();
    expect(errors[0]?.message).toMatch(/ENOENT/);
  });
});

describe('EventLog', () => {
  it('delivers records in batches, not one call per record', async () => {
    const log = new EventLog({ flushIntervalMs: 16, maxBatch: 100 });
    const batches: number[] = [];
    log.subscribe((batch) => batches.push(batch.length));
    for (let i = 0; i < 250; i++) log.append(tcp(i));
    expect(batches).toEqual([100, 100]);
    await wait(40);
    expect(batches).toEqual([100, 100, 50]);
    expect(log.size).toBe(250);
  });
});
