import { FrameParser } from '../../shared/protocol/frame-parser.js';
import {
  HttpHeadReader,
  headerValues,
  parseExtensions,
  parseSubprotocols,
} from '../../shared/protocol/http-head.js';
import type { ProtocolStages } from './protocol-stages.js';

/** The real protocol stages from shared/protocol. */
export function defaultProtocolStages(): ProtocolStages {
  return {
    headReader: (kind) => new HttpHeadReader(kind),
    frameParser: (options) => new FrameParser(options),
    // Replaced by shared/protocol's MessageAssembler as soon as it lands.
    messageAssembler: () => ({ accept: () => ({ violations: [] }) }),
    inflater: () => undefined,
    negotiated: (headers) => ({
      protocol: parseSubprotocols(headerValues(headers, 'sec-websocket-protocol').join(', '))[0] ?? '',
      extensions: parseExtensions(headerValues(headers, 'sec-websocket-extensions').join(', ')),
    }),
  };
}
