/** Record real connections with the inspector into a session file, then analyze it in-process and via `wsi analyze`. */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInspector, type Inspector } from '../../../main/core/inspector.js';
import { runCli } from '../../../main/cli/wsi.js';
import { analyzeSession } from '../../../shared/analysis/index.js';
import type { AnalysisOptions } from '../../../shared/analysis/index.js';
import type { CaptureEvent } from '../../../shared/model/events.js';
import type { SessionAnalysis } from '../../../shared/model/finding.js';

export interface Capture {
  inspector: Inspector;
  file: string;
  events: CaptureEvent[];
  /** Resolves with the connection's events once its `end` record arrived. */
  ended(conn: string, timeoutMs?: number): Promise<CaptureEvent[]>;
  /** Resolves once the connection ended, or its handshake was answered with a non-101 and the client gave up. */
  settled(conn: string, timeoutMs?: number): Promise<CaptureEvent[]>;
  /** Dispose the inspector (closing the session file) and run `wsi analyze FILE --json` in-process. */
  analyzeFile(extraArgs?: string[]): Promise<{ code: number; json: SessionAnalysis; stderr: string }>;
  analyze(options?: AnalysisOptions): SessionAnalysis;
  cleanup(): Promise<void>;
}

export async function capture(): Promise<Capture> {
  const dir = await mkdtemp(join(tmpdir(), 'wsi-analysis-'));
  const file = join(dir, 'session.jsonl');
  const inspector = createInspector({ shell: 'cli', sessionPath: file });
  const events: CaptureEvent[] = [];
  inspector.on('capture', (batch) => events.push(...batch.events));
  let disposed = false;
  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    await inspector.dispose();
  };
  const waitUntil = async (conn: string, done: (own: CaptureEvent[]) => boolean, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    const own = (): CaptureEvent[] => events.filter((e) => e.conn === conn);
    while (!done(own())) {
      if (Date.now() > deadline)
        throw new Error(
          `${conn} did not settle; recorded: ${own()
            .map((e) => e.type)
            .join(', ')}`,
        );
      inspector.flush();
      await new Promise((r) => setTimeout(r, 25));
    }
    return own();
  };
  return {
    inspector,
    file,
    events,
    settled: (conn, timeoutMs = 15_000) =>
      waitUntil(
        conn,
        (own) =>
          own.some((e) => e.type === 'end') ||
          (own.some((e) => e.type === 'http-response' && e.head.status !== 101) &&
            own.some((e) => e.type === 'error')),
        timeoutMs,
      ),
    ended: async (conn, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!events.some((e) => e.conn === conn && e.type === 'end')) {
        if (Date.now() > deadline)
          throw new Error(`no end for ${conn}; recorded: ${events.map((e) => e.type).join(', ')}`);
        inspector.flush();
        await new Promise((r) => setTimeout(r, 25));
      }
      return events.filter((e) => e.conn === conn);
    },
    analyze: (options) => analyzeSession({ header: inspector.header, events }, options),
    analyzeFile: async (extraArgs = []) => {
      await dispose();
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(['analyze', file, '--json', ...extraArgs], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      if (out.length !== 1) throw new Error(`expected one JSON line, got ${out.length}: ${err.join('\n')}`);
      return { code, json: JSON.parse(out[0] ?? '') as SessionAnalysis, stderr: err.join('\n') };
    },
    cleanup: async () => {
      await dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const readSession = (file: string): Promise<string> => readFile(file, 'utf8');
