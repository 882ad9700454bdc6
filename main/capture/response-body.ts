import type { CappedBytes, HttpHeader } from '../../shared/model/handshake.js';

const CHUNKED_END = Buffer.from('0\r\n\r\n', 'latin1');

/**
 * Collects the body of a non-101 response as it arrives on the wire (chunked framing is kept as is), capped, and
 * knows when it is complete: Content-Length reached, the last chunk of a chunked body, or (otherwise) connection end.
 */
export class ResponseBodyCollector {
  private readonly chunks: Buffer[] = [];
  private kept = 0;
  private size = 0;
  private tail: Buffer = Buffer.alloc(0);
  private readonly contentLength: number | undefined;
  private readonly chunked: boolean;

  constructor(
    headers: HttpHeader[],
    private readonly cap: number,
  ) {
    const lengthHeader = headers.find((h) => h.name.toLowerCase() === 'content-length')?.value.trim();
    const length =
      lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    this.chunked = headers.some(
      (h) => h.name.toLowerCase() === 'transfer-encoding' && /chunked/i.test(h.value),
    );
    this.contentLength = this.chunked ? undefined : length;
  }

  get complete(): boolean {
    if (this.contentLength !== undefined) return this.size >= this.contentLength;
    return this.chunked && this.tail.equals(CHUNKED_END);
  }

  accept(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.kept < this.cap) {
      const take = Math.min(chunk.length, this.cap - this.kept);
      this.chunks.push(Buffer.from(chunk.subarray(0, take)));
      this.kept += take;
    }
    if (this.chunked) {
      const joined = Buffer.concat([
        this.tail,
        chunk.subarray(Math.max(0, chunk.length - CHUNKED_END.length)),
      ]);
      this.tail = joined.subarray(Math.max(0, joined.length - CHUNKED_END.length));
    }
  }

  result(): CappedBytes {
    return {
      base64: Buffer.concat(this.chunks).toString('base64'),
      size: this.size,
      truncated: this.size > this.kept,
    };
  }
}
