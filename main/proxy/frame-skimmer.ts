/**
 * Walks WebSocket frame boundaries in one direction's byte stream by reading headers only (payloads are skipped by
 * arithmetic). The relay uses it to drop and resume capture exactly at frame boundaries and to count what it dropped;
 * it never inspects payloads and never fails: garbage is skimmed as whatever lengths its bytes claim.
 */
export class FrameSkimmer {
  /** Payload bytes still to skip for the frame in progress. */
  private remaining = 0;
  /** Partial header bytes carried over between chunks. */
  private header = Buffer.alloc(14);
  private headerHave = 0;
  /** Close frames (opcode 8) whose header has been skimmed. */
  closeFrames = 0;

  /** True when the next byte of the stream is the first byte of a frame. */
  get atBoundary(): boolean {
    return this.remaining === 0 && this.headerHave === 0;
  }

  /** Advances over `chunk` and returns how many frames start inside it. */
  skim(chunk: Uint8Array): number {
    let i = 0;
    let starts = 0;
    const len = chunk.length;
    while (i < len) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, len - i);
        this.remaining -= take;
        i += take;
        continue;
      }
      if (this.headerHave === 0) starts++;
      this.header[this.headerHave++] = chunk[i++]!;
      const need = this.headerNeeded();
      if (need !== undefined && this.headerHave >= need) {
        this.remaining = this.payloadLength();
        if ((this.header[0]! & 0x0f) === 0x8) this.closeFrames++;
        this.headerHave = 0;
      }
    }
    return starts;
  }

  /**
   * Offset in `chunk` of the first frame boundary at or after the current position, without consuming anything,
   * or -1 when the chunk ends inside the current frame.
   */
  nextBoundary(chunk: Uint8Array): number {
    if (this.atBoundary) return 0;
    if (this.headerHave > 0) {
      // Finish the header on a copy so the walk can be simulated without consuming.
      const probe = this.clone();
      let consumed = 0;
      while (probe.headerHave > 0 && consumed < chunk.length)
        probe.skim(chunk.subarray(consumed, ++consumed));
      if (probe.headerHave > 0) return -1;
      return probe.remaining <= chunk.length - consumed ? consumed + probe.remaining : -1;
    }
    return this.remaining <= chunk.length ? this.remaining : -1;
  }

  private clone(): FrameSkimmer {
    const copy = new FrameSkimmer();
    copy.remaining = this.remaining;
    copy.header = Buffer.from(this.header);
    copy.headerHave = this.headerHave;
    return copy;
  }

  private headerNeeded(): number | undefined {
    if (this.headerHave < 2) return undefined;
    const b1 = this.header[1]!;
    const mask = b1 & 0x80 ? 4 : 0;
    const len7 = b1 & 0x7f;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + mask;
  }

  private payloadLength(): number {
    const len7 = this.header[1]! & 0x7f;
    if (len7 < 126) return len7;
    if (len7 === 126) return this.header.readUInt16BE(2);
    // Lengths beyond 2^53 cannot be relayed in practice; clamp so arithmetic stays exact.
    const high = this.header.readUInt32BE(2) & 0x7fffffff;
    const low = this.header.readUInt32BE(6);
    return Math.min(high * 2 ** 32 + low, Number.MAX_SAFE_INTEGER);
  }
}
