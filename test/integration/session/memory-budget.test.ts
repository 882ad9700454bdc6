import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { analyzeSession } from '../../../shared/analysis/index.js';
import { parseSession } from '../../../shared/session/parse.js';
import { startEchoServer, type RunningWsServer } from '../../helpers/ws-servers.js';
import { framesOf, ofType, record } from '../client/helpers.js';

let server: RunningWsServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const MESSAGES = 300;

describe('memory budget of a live session', () => {
  it('stops keeping data frames in memory at the hard limit, says how many, and the session file still gets all', async () => {
    server = await startEchoServer({ perMessageDeflate: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-budget-'));
    const file = path.join(dir, 'session.jsonl');
    const rec = record({ sessionPath: file, memoryBudget: { softBytes: 100_000, hardBytes: 400_000 } });
    const { conn } = await rec.inspector.connect({ url: `${server.url}/echo` });
    await rec.waitFor((e) => e.type === 'open');
    const body = 'x'.repeat(2000);
    for (let i = 0; i < MESSAGES; i++) await rec.inspector.send({ conn, kind: 'text', data: `${i} ${body}` });
    await rec
      .waitFor(
        (e) =>
          e.type === 'frame' &&
          e.frame.dir === 's2c' &&
          e.frame.payloadLength === `${MESSAGES - 1} ${body}`.length,
        10_000,
      )
      .catch(() => undefined); // the last echo may be one of the frames not kept
    await new Promise((resolve) => setTimeout(resolve, 300));
    await rec.inspector.close({ conn, code: 1000 });
    await rec.ended(conn);
    await rec.inspector.dispose();

    const events = rec.events;
    const dataFrames = framesOf(events).filter((f) => f.opcode === 1);
    const slim = dataFrames.filter((f) => f.truncated);
    const dropped = ofType(events, 'dropped');
    const droppedFrames = dropped.reduce((n, d) => n + d.frames, 0);
    expect(slim.length).toBeGreaterThan(0);
    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((d) => d.reason === 'memory')).toBe(true);
    // Every data frame is either kept or counted, in both directions.
    expect(dataFrames.length + droppedFrames).toBe(2 * MESSAGES);
    // The close handshake is kept, so the close is still attributed.
    expect(framesOf(events).filter((f) => f.opcode === 8)).toHaveLength(2);
    const analysis = analyzeSession({ header: { startedAt: 0 }, events });
    expect(analysis.connections[0]).toMatchObject({ closeInitiator: 'client', closeKind: 'close-frame' });
    expect(analysis.findings.find((f) => f.id === 'capture.dropped')?.detail).toContain('memory budget');

    const fromFile = parseSession(readFileSync(file, 'utf8'));
    expect(fromFile.problems).toEqual([]);
    const fileFrames = framesOf(fromFile.session.events).filter((f) => f.opcode === 1);
    expect(fileFrames).toHaveLength(2 * MESSAGES);
    expect(fileFrames.every((f) => !f.truncated)).toBe(true);
    expect(ofType(fromFile.session.events, 'dropped')).toHaveLength(0);
  });

  it('keeps nothing in memory when asked (the CLI): every record reaches subscribers and the file whole, whatever the budget', async () => {
    server = await startEchoServer({ perMessageDeflate: false });
    dir = mkdtempSync(path.join(os.tmpdir(), 'wsi-budget-'));
    const file = path.join(dir, 'session.jsonl');
    // A budget this small would cut or drop most records of a session that keeps them.
    const rec = record({
      sessionPath: file,
      keepRecords: false,
      memoryBudget: { softBytes: 100_000, hardBytes: 400_000 },
    });
    const { conn } = await rec.inspector.connect({ url: `${server.url}/echo` });
    await rec.waitFor((e) => e.type === 'open');
    const body = 'x'.repeat(2000);
    for (let i = 0; i < MESSAGES; i++) await rec.inspector.send({ conn, kind: 'text', data: `${i} ${body}` });
    const last = `${MESSAGES - 1} ${body}`;
    await rec.waitFor(
      (e) => e.type === 'frame' && e.frame.dir === 's2c' && e.frame.payloadLength === last.length,
      10_000,
    );
    await expect(rec.inspector.snapshot(undefined)).rejects.toThrow(
      `this session keeps no records in memory; they are in ${file}`,
    );
    await rec.inspector.close({ conn, code: 1000 });
    await rec.ended(conn);
    await rec.inspector.dispose();

    for (const events of [rec.events, parseSession(readFileSync(file, 'utf8')).session.events]) {
      const dataFrames = framesOf(events).filter((f) => f.opcode === 1);
      expect(dataFrames).toHaveLength(2 * MESSAGES);
      expect(dataFrames.every((f) => !f.truncated)).toBe(true);
      expect(ofType(events, 'dropped')).toHaveLength(0);
    }
  });
});
