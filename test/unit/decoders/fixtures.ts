import type { DecoderInput } from '../../../shared/decoders/index.js';
import type { Direction } from '../../../shared/model/wire.js';

export const text = (dir: Direction, payload: string): DecoderInput => ({
  dir,
  opcode: 1,
  bytes: new TextEncoder().encode(payload),
  truncated: false,
});

export const binary = (dir: Direction, bytes: Uint8Array | number[]): DecoderInput => ({
  dir,
  opcode: 2,
  bytes: bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes),
  truncated: false,
});
