import { Deflate, constants } from 'pako';

const TAIL_LENGTH = 4;

/**
 * permessage-deflate compressor for the messages the relay writes itself (RFC 7692 §7.2.1): raw deflate, each message
 * flushed with Z_SYNC_FLUSH and its 00 00 ff ff tail removed. One instance keeps its window across messages, so every
 * message it compresses may refer back only to messages it compressed before: valid for a receiver whose window holds
 * those last. `windowBits` is the receiver's negotiated maximum; below 9 (which zlib cannot produce) messages are
 * stored blocks, valid for any window.
 */
export class MessageDeflater {
  private deflate: Deflate;
  private chunks: Uint8Array[] = [];

  constructor(private readonly windowBits = 15) {
    this.deflate = this.create();
  }

  compress(payload: Uint8Array): Buffer {
    this.chunks = [];
    this.deflate.push(payload, constants.Z_SYNC_FLUSH);
    const out = Buffer.concat(this.chunks);
    this.chunks = [];
    return out.subarray(0, Math.max(0, out.length - TAIL_LENGTH));
  }

  /** A fresh window (the sender does not take its context over to the next message). */
  reset(): void {
    this.deflate = this.create();
  }

  private create(): Deflate {
    const stored = this.windowBits < 9;
    const deflate = new Deflate({
      raw: true,
      windowBits: stored ? 9 : Math.min(15, this.windowBits),
      level: stored ? 0 : 6,
    });
    deflate.onData = (chunk: Uint8Array) => this.chunks.push(chunk);
    return deflate;
  }
}
