/**
 * Interfaces of the pure protocol stages. Bytes in, records out; no I/O, no exceptions on bad input, time passed in.
 *
 *   raw bytes of one direction
 *     -> HttpHeadReader (until the blank line)        -> HttpRequestHead | HttpResponseHead, rest bytes
 *     -> FrameParser.accept(chunk)                    -> ParsedFrame[] + ParserViolation[]
 *     -> MessageAssembler.accept(frame)               -> AssembledMessage + ParserViolation[]
 *          (fragment grouping, UTF-8 validation across fragments, permessage-deflate via an Inflater)
 */
import type { LengthEncoding } from '../model/frame.js';
import type { HttpRequestHead, HttpResponseHead, NegotiatedExtension } from '../model/handshake.js';
import type { Direction } from '../model/wire.js';

export interface ParsedFrame {
  /** Offset of the first header byte in this direction's frame stream. */
  offset: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** The 4-byte masking key, when masked. */
  maskKey?: Uint8Array;
  lengthEncoding: LengthEncoding;
  headerLength: number;
  payloadLength: number;
  /**
   * Unmasked payload, at most `maxCapturedPayload` bytes. When the frame was unmasked and arrived whole in one chunk,
   * this is a view into that chunk (no copy): callers must not modify chunks after passing them to the parser.
   */
  payload: Uint8Array;
  /** Whether `payload` holds fewer bytes than `payloadLength`. */
  truncated: boolean;
  /**
   * The complete payload of a frame belonging to a compressed (permessage-deflate) message, kept so the message can be
   * inflated; absent when the frame is longer than `maxCompressedPayload`. `payload` is a view of its start.
   */
  compressedPayload?: Uint8Array;
  /**
   * The complete unmasked payload when it is longer than `maxCapturedPayload` and was kept whole (see
   * `FrameParserOptions.keepWholePayload`, or a compressed message's frame). `payload` is a view of its start.
   */
  wholePayload?: Uint8Array;
  /**
   * Frames of an uncompressed text message: whether the message's bytes up to the end of this frame are valid UTF-8
   * (at the final frame this includes "no sequence left incomplete"). Computed over the whole payload, kept or not.
   */
  utf8Valid?: boolean;
  /** Close frames: parsed status code and reason when present and well-formed enough to read. */
  close?: { code?: number; reason?: string };
  /** Codes of violations this frame caused (also returned as ParserViolation with detail). */
  violations: string[];
}

export interface ParserViolation {
  code: string;
  /** The close code a conforming peer would send. */
  closeCode: number;
  message: string;
  /** Stream offset where it was found. */
  offset: number;
  /** Index into the `frames` array returned by the same accept() call, when the violation belongs to a frame. */
  frameIndex?: number;
}

export interface FrameParserOptions {
  direction: Direction;
  /** Extensions negotiated in the handshake (decides which RSV bits are legal). */
  extensions?: NegotiatedExtension[];
  /** Payload bytes kept per frame; the rest is counted, not stored. Default 64 KiB. */
  maxCapturedPayload?: number;
  /**
   * Frames of compressed messages are kept whole up to this many bytes (see `ParsedFrame.compressedPayload`), since
   * inflation needs every byte. Default 16 MiB.
   */
  maxCompressedPayload?: number;
  /**
   * Frames up to this many bytes are kept whole (see `ParsedFrame.wholePayload`) so their full payload can be stored
   * apart from the preview. Default 0: only the preview is kept.
   */
  keepWholePayload?: number;
}

export interface FrameParseResult {
  frames: ParsedFrame[];
  violations: ParserViolation[];
}

export interface FrameParserApi {
  accept(chunk: Uint8Array): FrameParseResult;
  /** Bytes consumed so far. */
  readonly offset: number;
  /** Bytes of an incomplete frame waiting for more input. */
  readonly pending: number;
  /** Changes the payload bytes kept of frames whose header arrives from now on (see FrameParserOptions). */
  limitCapture?(maxCapturedPayload: number, keepWholePayload: number): void;
}

/** Receives inflated output in order, in chunks; the chunk may be reused after the call returns. */
export type InflateSink = (chunk: Uint8Array) => void;

/** Inflates permessage-deflate payloads of one direction. `reset` is called per message without context takeover. */
export interface Inflater {
  /**
   * Inflate one whole message's payload (the 00 00 ff ff tail already appended by the caller). With a `sink`, output
   * goes to the sink as it is produced and `data` is empty, so memory stays bounded for large messages.
   * `limit: true` marks a failure caused by the inflater's own output limit rather than by bad data.
   */
  inflate(
    data: Uint8Array,
    sink?: InflateSink,
  ): { ok: true; data: Uint8Array } | { ok: false; error: string; limit?: boolean };
  reset(): void;
}

export interface AssembledMessage {
  opcode: number;
  /** Indices of the frames (in the order they were passed to accept) that made the message. */
  frameIndices: number[];
  wireSize: number;
  size: number;
  compressed: boolean;
  /** Decoded payload, capped at `maxCapturedPayload`. */
  data: Uint8Array;
  truncated: boolean;
  /** The whole decoded payload when `data` is truncated and it fits `keepWholeMessage`. */
  wholeData?: Uint8Array;
  utf8Valid?: boolean;
  /**
   * Set when the inspector could not decode a compressed message (its own limits, or the compression context was
   * lost earlier); this is not a protocol violation by the peer. `size` then counts only what was decoded.
   */
  undecoded?: string;
}

export interface MessageAssemblerOptions {
  direction: Direction;
  extensions?: NegotiatedExtension[];
  inflater?: Inflater;
  maxCapturedPayload?: number;
  /** Messages up to this many decoded bytes are also kept whole (`AssembledMessage.wholeData`). Default 0. */
  keepWholeMessage?: number;
}

export interface AssemblyResult {
  message?: AssembledMessage;
  violations: ParserViolation[];
}

export type HttpHeadResult =
  | { state: 'pending' }
  | { state: 'done'; head: HttpRequestHead | HttpResponseHead; rest: Uint8Array }
  | { state: 'error'; message: string };
