/** Default preview rate limit: preview bytes per second of one connection's data frames. */
export const DEFAULT_PREVIEW_RATE_LIMIT = 32 * 1024 * 1024;

/**
 * Decides, per connection, when payload previews are cut: while the previews of its data frames (the first
 * `maxCapturedPayload` bytes of each, both directions together) arrive faster than `limitBytesPerSecond`, records keep
 * `SLIM_PREVIEW_BYTES` (shared/model/frame.ts) of each payload and no full payload is kept. Copying full previews of a firehose into the
 * session costs more than relaying it and fills memory in seconds; every frame and message is still recorded with its
 * header, sizes and timing. A few large messages are not a firehose: each counts with its preview only, and a frame
 * is judged by the traffic before it. Previews come back once the rate has been below half the limit for a window.
 */
export class PreviewRate {
  private windowStart: number | undefined;
  private bytes = 0;
  private slim = false;

  constructor(
    private readonly limitBytesPerSecond: number,
    private readonly windowMs = 250,
  ) {}

  /** Whether a frame arriving at `t` (ms) would have its preview cut, judging by the frames so far. */
  cuttingAt(t: number): boolean {
    return this.slim && !this.quietAt(t);
  }

  /** A whole window went by without a data frame. */
  private quietAt(t: number): boolean {
    return this.windowStart !== undefined && t - this.windowStart >= 2 * this.windowMs;
  }

  /** Counts a data frame whose preview is `previewBytes` long, seen at `t` (ms); returns whether to cut it. */
  note(t: number, previewBytes: number): boolean {
    if (this.limitBytesPerSecond <= 0) return false;
    if (this.quietAt(t)) {
      this.slim = false;
      this.windowStart = t;
      this.bytes = 0;
    }
    this.windowStart ??= t;
    const elapsed = t - this.windowStart;
    if (elapsed >= this.windowMs) {
      const rate = this.bytes / (elapsed / 1000);
      if (rate > this.limitBytesPerSecond) this.slim = true;
      else if (rate < this.limitBytesPerSecond / 2) this.slim = false;
      this.windowStart = t;
      this.bytes = 0;
    } else if (this.bytes > (this.limitBytesPerSecond * this.windowMs) / 1000) {
      // A window's worth already: cut from now on rather than at the window's end.
      this.slim = true;
    }
    this.bytes += previewBytes;
    return this.slim;
  }
}
