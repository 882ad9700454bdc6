import { open, readFile } from 'node:fs/promises';
import { looksLikeRawCapture } from '../capture/ring/raw-capture-file.js';
import { recordsFromRawCapture } from '../proxy/raw-capture-records.js';
import type { Session } from '../../shared/model/session.js';
import { readSessionText } from '../../shared/import/index.js';
import type { CommandIo } from './command.js';

/** Why a file could not be read, in words (for `wsi <command>: cannot read FILE: …`). */
export const describeReadError = (error: unknown): string => {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
};

/** What a HAR held: who wrote it, its WebSocket connections and the other entries skipped (on stderr). */
export function reportHarImport(session: Session, path: string, command: string, io: CommandIo): void {
  const imported = session.header.imported;
  if (!imported) return;
  const connections = new Set(session.events.map((e) => e.conn)).size;
  io.err(
    `wsi ${command}: ${path}: HAR written by ${imported.creator}: ${connections} WebSocket connection${connections === 1 ? '' : 's'}` +
      `, ${imported.skippedEntries} other entr${imported.skippedEntries === 1 ? 'y' : 'ies'} skipped`,
  );
}

/**
 * Read a session file (or a HAR, told by its content) for a command: problems in a damaged file are listed on stderr and everything readable is
 * returned; null (after saying why) when nothing could be read.
 */
export async function readSessionFile(path: string, command: string, io: CommandIo): Promise<Session | null> {
  if (await isRawCapture(path)) return readRawCaptureFile(path, command, io);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    io.err(`wsi ${command}: cannot read ${path}: ${describeReadError(error)}`);
    return null;
  }
  const { session, problems, format } = readSessionText(path, text);
  for (const p of problems) io.err(`wsi ${command}: ${path}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`);
  if (format === 'har') reportHarImport(session, path, command, io);
  if (session.events.length === 0 && problems.length > 0) {
    io.err(`wsi ${command}: ${path} holds no readable session`);
    return null;
  }
  if (problems.length > 0)
    io.err(
      `wsi ${command}: ${problems.length} line${problems.length === 1 ? '' : 's'} of ${path} skipped (listed above); ` +
        `using the other ${session.events.length} record${session.events.length === 1 ? '' : 's'}`,
    );
  return session;
}

async function isRawCapture(path: string): Promise<boolean> {
  try {
    const file = await open(path, 'r');
    try {
      const prefix = Buffer.alloc(8);
      const { bytesRead } = await file.read(prefix, 0, 8, 0);
      return looksLikeRawCapture(prefix.subarray(0, bytesRead));
    } finally {
      await file.close();
    }
  } catch {
    return false; // the session reader says why it cannot read it
  }
}

/** A raw capture file (`wsi proxy --raw`): its records are made anew by this version's parser. */
function readRawCaptureFile(path: string, command: string, io: CommandIo): Session | null {
  const result = recordsFromRawCapture(path);
  if ('error' in result) {
    io.err(`wsi ${command}: ${result.error}`);
    return null;
  }
  io.err(`wsi ${command}: ${path} is a raw capture: records made anew from the relayed bytes`);
  for (const p of result.problems) io.err(`wsi ${command}: ${path}: ${p.message}`);
  return result.session;
}
