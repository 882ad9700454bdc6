import { Inflate, constants } from 'pako';
import type { InflateSink, Inflater } from './types.js';

export interface PakoInflaterOptions {
  /**
   * Stop inflating one message after this many output bytes (a guard against decompression bombs: 1 KiB of deflate can
   * expand to about 1 MiB). The message is then reported as not decoded, and with context takeover so are the
   * following ones until the next reset. Default 128 MiB.
   */
  maxMessageSize?: number;
  /** Size of the output chunks handed to the sink. Default 16 KiB. */
  chunkSize?: number;
}

export const DEFAULT_MAX_INFLATED_MESSAGE = 128 * 1024 * 1024;

class OutputLimit extends Error {}

/**
 * permessage-deflate inflater for one direction, on pako's streaming raw inflate (pure JS, synchronous, so it runs
 * in shared/ and in the renderer as well as in Node). One instance keeps the LZ77 window across messages, which is
 * what context takeover requires; `reset()` starts a fresh window.
 */
export class PakoInflater implements Inflater {
  private readonly maxMessageSize: number;
  private readonly chunkSize: number;
  private inflate$: Inflate;
  private sink: InflateSink | undefined;
  private produced = 0;
  private collected: Uint8Array[] = [];

  constructor(options: PakoInflaterOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? DEFAULT_MAX_INFLATED_MESSAGE;
    this.chunkSize = options.chunkSize ?? 16 * 1024;
    this.inflate$ = this.create();
  }

  inflate(
    data: Uint8Array,
    sink?: InflateSink,
  ): { ok: true; data: Uint8Array } | { ok: false; error: string; limit?: boolean } {
    this.sink = sink;
    this.produced = 0;
    this.collected = [];
    const inflater = this.inflate$;
    try {
      const pushed = inflater.push(data, constants.Z_SYNC_FLUSH);
      if (!pushed || inflater.err !== constants.Z_OK) {
        this.inflate$ = this.create();
        return { ok: false, error: inflater.msg || `inflate error ${inflater.err}` };
      }
    } catch (error) {
      this.inflate$ = this.create();
      if (error instanceof OutputLimit) return { ok: false, error: error.message, limit: true };
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    } finally {
      this.sink = undefined;
    }
    // A final (BFINAL) block ends the deflate stream; the next message starts a new one.
    if ((inflater as { ended?: boolean }).ended === true) this.inflate$ = this.create();
    const out = sink ? new Uint8Array(0) : concat(this.collected, this.produced);
    this.collected = [];
    return { ok: true, data: out };
  }

  reset(): void {
    this.inflate$ = this.create();
  }

  private create(): Inflate {
    const inflater = new Inflate({ raw: true, chunkSize: this.chunkSize });
    inflater.onData = (chunk: Uint8Array) => this.onData(chunk);
    return inflater;
  }

  private onData(chunk: Uint8Array): void {
    this.produced += chunk.length;
    if (this.produced > this.maxMessageSize) {
      throw new OutputLimit(`inflated message exceeds the inspector's limit of ${this.maxMessageSize} bytes`);
    }
    if (this.sink) this.sink(chunk);
    else this.collected.push(chunk);
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
