import { SNIFF_MESSAGES } from '../decoders/index.js';
import type { CaptureEvent, FrameEvent } from '../model/events.js';
import type { FrameRecord } from '../model/frame.js';
import type { SessionAnalysis } from '../model/finding.js';
import type { SessionHeader } from '../model/session.js';
import { decodeUtf8 } from '../protocol/utf8.js';
import { fromBase64 } from '../util/base64.js';
import { analyzeFacts } from './analyze-session.js';
import { classifyAppBeat, MAX_BEAT_BYTES } from './app-heartbeat.js';
import { connectionDecoder } from './app-protocol.js';
import { FactsBuilder, type Indexed } from './connection-facts.js';
import type { AnalysisOptions } from './findings/context.js';

/**
 * The payload the analyzers read of a frame: control frames' (ping/pong pairing, close), and a text frame's when it
 * is an application heartbeat; every other frame is analyzed by its header fields alone.
 */
function keepsData(frame: FrameRecord): boolean {
  if (frame.opcode >= 8) return true;
  if (frame.opcode !== 1 || !frame.fin || frame.rsv1 || frame.payloadLength > MAX_BEAT_BYTES) return false;
  if (frame.payloadLength > 8 && !frame.data.startsWith('ey') && !frame.data.startsWith('W')) return false;
  const bytes = fromBase64(frame.data);
  return bytes !== null && classifyAppBeat(decodeUtf8(bytes)) !== undefined;
}

/**
 * A frame event with only the fields the analyzers read, built in one literal of one shape (about a third of the
 * memory of a parsed record): the rest of FrameRecord is not there, which is why this copy never leaves the analysis.
 */
function slimFrame(event: FrameEvent, index: number): Indexed<FrameEvent> {
  const f = event.frame;
  const frame = {
    seq: f.seq,
    dir: f.dir,
    fin: f.fin,
    rsv1: f.rsv1,
    opcode: f.opcode,
    headerLength: f.headerLength,
    payloadLength: f.payloadLength,
    data: keepsData(f) ? f.data : '',
    close: f.close,
  } as FrameRecord;
  return { type: 'frame', conn: event.conn, t: event.t, frame, index };
}

interface Connection {
  builder: FactsBuilder;
  messages: number;
  /** After the first SNIFF_MESSAGES messages chose no protocol decoder, no analyzer reads messages. */
  dropMessages: boolean;
}

/**
 * `analyzeSession` for a session read record by record (a file of any size): per connection it keeps the facts the
 * analyzers read, not the records. Frames are kept slim (payloads only where an analyzer reads them); messages are
 * kept only for a connection whose application protocol is decoded (Socket.IO, GraphQL, ...), as the decoders pair
 * requests with replies across the whole connection. The result equals `analyzeSession` on the same records.
 */
export class AnalysisStream {
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly options: AnalysisOptions = {}) {}

  push(event: CaptureEvent): void {
    let connection = this.connections.get(event.conn);
    if (!connection) {
      connection = { builder: new FactsBuilder(event.conn), messages: 0, dropMessages: false };
      this.connections.set(event.conn, connection);
    }
    const { builder } = connection;
    if (event.type === 'frame') {
      builder.addFrame(slimFrame(event, builder.facts.count));
      return;
    }
    if (event.type !== 'message') {
      builder.add(event);
      return;
    }
    if (connection.dropMessages) {
      builder.skip(event);
      return;
    }
    builder.add(event);
    if (++connection.messages === SNIFF_MESSAGES && !this.options.decoders?.[event.conn]) {
      // The decoder choice reads only these first messages: decided now, as it will be at the end.
      connection.dropMessages = connectionDecoder(builder.facts).protocol === 'none';
    }
  }

  /**
   * The analysis of what was pushed so far; pushing more and asking again is fine (a live view asks every few
   * seconds). `now` and `recordingEnded` may change between calls; other options are the constructor's.
   */
  result(
    header: Pick<SessionHeader, 'startedAt'> & Partial<Pick<SessionHeader, 'imported'>>,
    moment: Pick<AnalysisOptions, 'now' | 'recordingEnded'> = {},
  ): SessionAnalysis {
    const all = [...this.connections.values()].map((c) => c.builder.facts);
    return analyzeFacts(header, all, { ...this.options, ...moment });
  }
}
