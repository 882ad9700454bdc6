import { chmod, open } from 'node:fs/promises';
import { fchmodSync, openSync } from 'node:fs';

/**
 * Session files and the exports made from them hold Authorization headers and cookies: only the owner may read them.
 * `open(…, mode)` applies only when the file is created, so an existing file is narrowed with chmod as well.
 */
export const PRIVATE_FILE_MODE = 0o600;

/** Open (create or truncate) `path` for writing, owner-only. Returns the descriptor. */
export function openPrivateSync(path: string, flags: 'w' | 'a' = 'w'): number {
  const fd = openSync(path, flags, PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } catch {
    // A filesystem without POSIX modes (e.g. some mounts): the file is still written.
  }
  return fd;
}

/** Write `data` to `path` (created or truncated), owner-only. */
export async function writePrivateFile(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE).catch(() => undefined);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** Narrow a file another writer made (e.g. a download the Electron shell saved) to owner-only. */
export async function makePrivate(path: string): Promise<void> {
  await chmod(path, PRIVATE_FILE_MODE);
}
