import { isDeflateNegotiated } from '../../shared/protocol/deflate-params.js';
import { FrameParser } from '../../shared/protocol/frame-parser.js';
import {
  HttpHeadReader,
  headerValues,
  parseExtensions,
  parseSubprotocols,
} from '../../shared/protocol/http-head.js';
import { MessageAssembler } from '../../shared/protocol/message-assembler.js';
import { PakoInflater } from '../../shared/protocol/pako-inflater.js';
import type { ProtocolStages } from './protocol-stages.js';

/**
 * The real protocol stages from shared/protocol. One inflater per direction for the life of the connection; the
 * assembler resets it per message when that direction's sender negotiated no_context_takeover.
 */
export function defaultProtocolStages(): ProtocolStages {
  return {
    headReader: (kind) => new HttpHeadReader(kind),
    frameParser: (options) => new FrameParser(options),
    messageAssembler: (options) => new MessageAssembler(options),
    inflater: (_dir, extensions) => (isDeflateNegotiated(extensions) ? new PakoInflater() : undefined),
    negotiated: (headers) => ({
      protocol: parseSubprotocols(headerValues(headers, 'sec-websocket-protocol').join(', '))[0] ?? '',
      extensions: parseExtensions(headerValues(headers, 'sec-websocket-extensions').join(', ')),
    }),
  };
}
