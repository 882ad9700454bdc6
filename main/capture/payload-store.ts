import { byteLimit } from '../../shared/protocol/frame-parser.js';

export const DEFAULT_MAX_STORED_PAYLOAD = 16 * 1024 * 1024;
export const DEFAULT_PAYLOAD_BUDGET = 256 * 1024 * 1024;

/** Where a recorder puts the full payloads of records it could only preview. */
export interface PayloadSink {
  /** Payloads longer than this are not kept (the record keeps its preview, without a ref). */
  readonly maxPayload: number;
  /** Returns whether the payload was kept under `ref`. */
  keep(conn: string, ref: string, bytes: Uint8Array): boolean;
}

export interface PayloadStoreOptions {
  /** Largest single payload kept. Default 16 MiB. */
  maxPayload?: number;
  /** Total bytes kept; the oldest payloads are evicted first to stay within it. Default 256 MiB. */
  budget?: number;
}

export type PayloadLookup =
  { ok: true; bytes: Uint8Array } | { ok: false; reason: 'evicted' | 'unknown'; message: string };

export class PayloadUnavailableError extends Error {
  override name = 'PayloadUnavailableError';
}

/**
 * Full payloads of the live session, by connection and reference, in memory and bounded: per payload and in total.
 * Eviction is remembered, so a lookup of an evicted reference says so instead of "unknown".
 */
export class PayloadStore implements PayloadSink {
  readonly maxPayload: number;
  readonly budget: number;
  /** Insertion order is age order: the first entry is the oldest. */
  private readonly payloads = new Map<string, Uint8Array>();
  private readonly evicted = new Set<string>();
  private total = 0;

  constructor(options: PayloadStoreOptions = {}) {
    this.maxPayload = byteLimit(options.maxPayload ?? DEFAULT_MAX_STORED_PAYLOAD);
    this.budget = byteLimit(options.budget ?? DEFAULT_PAYLOAD_BUDGET);
  }

  get storedBytes(): number {
    return this.total;
  }

  get size(): number {
    return this.payloads.size;
  }

  keep(conn: string, ref: string, bytes: Uint8Array): boolean {
    if (bytes.length > this.maxPayload || bytes.length > this.budget) return false;
    const key = keyOf(conn, ref);
    this.remove(key);
    this.evicted.delete(key);
    while (this.total + bytes.length > this.budget) this.evictOldest();
    // A small view would pin the whole (larger) buffer it came from and defeat the budget: keep a copy instead.
    const own = bytes.byteLength * 2 < bytes.buffer.byteLength ? bytes.slice() : bytes;
    this.payloads.set(key, own);
    this.total += own.length;
    return true;
  }

  get(conn: string, ref: string): PayloadLookup {
    const key = keyOf(conn, ref);
    const bytes = this.payloads.get(key);
    if (bytes) return { ok: true, bytes };
    if (this.evicted.has(key)) {
      return {
        ok: false,
        reason: 'evicted',
        message: `payload no longer in memory: evicted to stay within ${formatBudget(this.budget)}`,
      };
    }
    return { ok: false, reason: 'unknown', message: `unknown reference "${ref}" on connection "${conn}"` };
  }

  /** The payload's bytes, or a PayloadUnavailableError carrying the user-facing reason. */
  require(conn: string, ref: string): Uint8Array {
    const found = this.get(conn, ref);
    if (!found.ok) throw new PayloadUnavailableError(found.message);
    return found.bytes;
  }

  private evictOldest(): void {
    const oldest = this.payloads.keys().next();
    if (oldest.done) return;
    this.remove(oldest.value);
    this.evicted.add(oldest.value);
  }

  private remove(key: string): void {
    const bytes = this.payloads.get(key);
    if (!bytes) return;
    this.payloads.delete(key);
    this.total -= bytes.length;
  }
}

const keyOf = (conn: string, ref: string): string => `${conn}\u0000${ref}`;

function formatBudget(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}
