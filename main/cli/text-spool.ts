import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PRIVATE_FILE_MODE } from '../session/private-file.js';

/** Text held in memory across all lists before it goes to the spool file. */
const MEMORY_CHARS = 8 * 1024 * 1024;
/** Text written (and read back) at once: a list's spilled text is cut into chunks of about this size. */
const CHUNK_CHARS = 1024 * 1024;
/**
 * Appends are joined into one string of about this size: a few long strings instead of many short ones kept until
 * the spill (short-lived pieces are cheap to collect; many kept ones make the heap grow).
 */
const JOIN_CHARS = 32 * 1024;

interface List {
  /** Spilled chunks, in order, in the spool file. */
  spilled: { at: number; bytes: number }[];
  /** Text appended since the last spill (after the spilled chunks), joined a piece at a time (see `append`). */
  pending: string[];
  /** The latest appends, not joined yet, and their length. */
  recent: string[];
  recentChars: number;
}

function join(list: List): void {
  if (list.recent.length === 0) return;
  list.pending.push(list.recent.join(''));
  list.recent = [];
  list.recentChars = 0;
}

/**
 * Lists of text appended to in any interleaving and read back each in order (the streamed HAR export's per-connection
 * lists): held in memory up to 8 MiB in all, then spilled to one owner-only temporary file, unlinked as soon as it
 * is open (else deleted by `dispose`).
 */
export class TextSpool<Key> {
  private readonly lists = new Map<string, List>();
  private memory = 0;
  private file: { dir: string | undefined; handle: FileHandle; size: number } | undefined;

  constructor(private readonly memoryChars = MEMORY_CHARS) {}

  append(key: Key, text: string): void {
    const name = JSON.stringify(key);
    let list = this.lists.get(name);
    if (!list) this.lists.set(name, (list = { spilled: [], pending: [], recent: [], recentChars: 0 }));
    list.recent.push(text);
    list.recentChars += text.length;
    this.memory += text.length;
    if (list.recentChars >= JOIN_CHARS) join(list);
  }

  /** Moves the text in memory to the spool file when there is more than the budget (call between appends). */
  async settle(): Promise<void> {
    if (this.memory <= this.memoryChars) return;
    if (!this.file) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'wsi-spool-'));
      const handle = await open(path.join(dir, 'spool'), 'w+', PRIVATE_FILE_MODE);
      // Removed at once where an open file can be (POSIX): nothing is left behind if the process is killed.
      const removed = await rm(dir, { recursive: true, force: true }).then(
        () => true,
        () => false,
      );
      this.file = { dir: removed ? undefined : dir, handle, size: 0 };
    }
    const file = this.file;
    for (const list of this.lists.values()) {
      join(list);
      let chunk: string[] = [];
      let chars = 0;
      const write = async (): Promise<void> => {
        const bytes = Buffer.from(chunk.join(''));
        await file.handle.write(bytes, 0, bytes.length, file.size);
        list.spilled.push({ at: file.size, bytes: bytes.length });
        file.size += bytes.length;
        chunk = [];
        chars = 0;
      };
      for (const text of list.pending) {
        chunk.push(text);
        chars += text.length;
        if (chars >= CHUNK_CHARS) await write();
      }
      if (chunk.length > 0) await write();
      list.pending = [];
    }
    this.memory = 0;
  }

  /** A list's text, in order, a chunk at a time (nothing for a key never appended to). */
  async *read(key: Key): AsyncGenerator<string> {
    const list = this.lists.get(JSON.stringify(key));
    if (!list) return;
    for (const { at, bytes } of list.spilled) {
      const buffer = Buffer.alloc(bytes);
      for (let done = 0; done < bytes;) {
        const read = await this.file?.handle.read(buffer, done, bytes - done, at + done);
        if (!read?.bytesRead) throw new Error('the spool file ended early');
        done += read.bytesRead;
      }
      yield buffer.toString('utf8');
    }
    join(list);
    yield* list.pending;
  }

  /** Deletes the spool file, if one was made. */
  async dispose(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (!file) return;
    await file.handle.close().catch(() => undefined);
    if (file.dir !== undefined) await rm(file.dir, { recursive: true, force: true });
  }
}
