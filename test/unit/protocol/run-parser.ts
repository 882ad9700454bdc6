import { FrameParser } from '../../../shared/protocol/frame-parser.js';
import type { FrameParserOptions, ParsedFrame, ParserViolation } from '../../../shared/protocol/types.js';

export interface ParseRun {
  frames: ParsedFrame[];
  /** Violations with frameIndex rewritten to index into `frames` (across all chunks). */
  violations: ParserViolation[];
  parser: FrameParser;
}

/** Feeds chunks to a fresh parser and collects everything, copying payloads so later chunks cannot alias them. */
export function parseChunks(chunks: readonly Uint8Array[], options: FrameParserOptions): ParseRun {
  const parser = new FrameParser(options);
  const frames: ParsedFrame[] = [];
  const violations: ParserViolation[] = [];
  for (const chunk of chunks) {
    const result = parser.accept(chunk);
    for (const v of result.violations) {
      violations.push(v.frameIndex === undefined ? v : { ...v, frameIndex: v.frameIndex + frames.length });
    }
    frames.push(...result.frames);
  }
  return { frames, violations, parser };
}

export function bytesPerChunk(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}
