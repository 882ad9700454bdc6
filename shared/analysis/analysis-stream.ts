import type { CaptureEvent } from '../model/events.js';
import { SNIFF_MESSAGES } from '../decoders/index.js';
import type { SessionAnalysis } from '../model/finding.js';
import type { SessionHeader } from '../model/session.js';
import { analyzeFacts } from './analyze-session.js';
import { connectionDecoder } from './app-protocol.js';
import { FactsBuilder } from './connection-facts.js';
import { FrameColumns } from './frame-columns.js';
import type { AnalysisOptions } from './findings/context.js';

interface Connection {
  builder: FactsBuilder;
  messages: number;
  /** After the first SNIFF_MESSAGES messages chose no protocol decoder, no analyzer reads messages. */
  dropMessages: boolean;
}

/**
 * `analyzeSession` for a session read record by record (a file of any size): per connection it keeps the facts the
 * analyzers read, not the records. Frames are kept in columns (payloads only where an analyzer reads them); messages are
 * kept only for a connection whose application protocol is decoded (Socket.IO, GraphQL, ...), as the decoders pair
 * requests with replies across the whole connection. The result equals `analyzeSession` on the same records.
 */
export class AnalysisStream {
  private readonly connections = new Map<string, Connection>();

  constructor(private readonly options: AnalysisOptions = {}) {}

  push(event: CaptureEvent): void {
    let connection = this.connections.get(event.conn);
    if (!connection) {
      const frames = new FrameColumns(event.conn);
      connection = { builder: new FactsBuilder(event.conn, frames), messages: 0, dropMessages: false };
      this.connections.set(event.conn, connection);
    }
    const { builder } = connection;
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
