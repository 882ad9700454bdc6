import type { HttpHeader, NegotiatedExtension } from '../../shared/model/handshake.js';
import type { Direction } from '../../shared/model/wire.js';
import type {
  AssemblyResult,
  FrameParserApi,
  FrameParserOptions,
  HttpHeadResult,
  Inflater,
  MessageAssemblerOptions,
  ParsedFrame,
} from '../../shared/protocol/types.js';

export interface HeadReader {
  accept(chunk: Uint8Array): HttpHeadResult;
}

export interface MessageAssemblerStage {
  accept(frame: ParsedFrame, frameIndex: number): AssemblyResult;
}

/** What was agreed in a 101 response. */
export interface Negotiated {
  protocol: string;
  extensions: NegotiatedExtension[];
}

/** The pure protocol stages a recorder runs, injectable so the recorder can be tested and reused on its own. */
export interface ProtocolStages {
  headReader(kind: 'request' | 'response'): HeadReader;
  frameParser(options: FrameParserOptions): FrameParserApi;
  messageAssembler(options: MessageAssemblerOptions): MessageAssemblerStage;
  /** An inflater for one direction when permessage-deflate was negotiated (undefined when not). */
  inflater(dir: Direction, extensions: NegotiatedExtension[]): Inflater | undefined;
  negotiated(responseHeaders: HttpHeader[]): Negotiated;
}
