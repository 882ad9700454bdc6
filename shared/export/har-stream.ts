import { FactsBuilder, noFrames } from '../analysis/connection-facts.js';
import type { CaptureEvent, ConnectionId } from '../model/events.js';
import type { SessionHeader } from '../model/session.js';
import { entryStart, harEntry, harFrame, harLogFields, harMessage, type HarOptions } from './har.js';

/** The two lists of an entry that grow with the connection's traffic. */
export type HarList = 'messages' | 'frames';

/** Where a HarStream puts the text of each connection's lists while the session is read (memory or a file). */
export interface HarSpool {
  append(conn: ConnectionId, list: HarList, text: string): void;
}

/** A piece of the HAR text: text as it is, or everything spooled for one connection's list, in order. */
export type HarPiece = string | { conn: ConnectionId; list: HarList };

const pad = (depth: number): string => '\n' + '  '.repeat(depth);

/** `JSON.stringify(value, null, 2)` as it reads nested `depth` levels deep in a document stringified so. */
const nested = (value: unknown, depth: number): string =>
  JSON.stringify(value, null, 2).replaceAll('\n', pad(depth));

/** An object's fields `depth` levels deep, each on its line (no braces), as JSON.stringify writes them. */
function fields(object: object, depth: number): string[] {
  return Object.entries(object)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${pad(depth + 1)}${JSON.stringify(key)}: ${nested(value, depth + 1)}`);
}

// Depths in the document: the log object 1, its entries 3, an entry's lists 4, their items 5.
const ENTRY_DEPTH = 3;
const ITEM_DEPTH = 5;

interface Connection {
  builder: FactsBuilder;
  order: number;
  counts: Record<HarList, number>;
}

/**
 * The HAR of a session read record by record, in bounded memory: each message and frame is turned into its text as it
 * comes and handed to the spool; per connection only the facts of its entry head and close are kept. `pieces()` then
 * gives the document in order. The text equals `JSON.stringify(toHar(session, options), null, 2) + '\n'`.
 * `origin` is the session's clock origin (sessionOrigin: the header's startedAt, else found in its records).
 */
export class HarStream {
  private readonly connections = new Map<ConnectionId, Connection>();

  constructor(
    private readonly origin: number,
    private readonly spool: HarSpool,
    private readonly options: HarOptions = {},
  ) {}

  push(event: CaptureEvent): void {
    let connection = this.connections.get(event.conn);
    if (!connection) {
      const builder = new FactsBuilder(event.conn, noFrames());
      connection = { builder, order: this.connections.size, counts: { messages: 0, frames: 0 } };
      this.connections.set(event.conn, connection);
    }
    if (event.type === 'message') {
      connection.builder.skip(event);
      this.item(connection, event.conn, 'messages', harMessage(event, this.origin));
      return;
    }
    connection.builder.add(event);
    if (event.type === 'frame' && this.options.frames !== false)
      this.item(connection, event.conn, 'frames', harFrame(event, this.origin));
  }

  /** The whole document, in order, after the last record: the spooled lists go where the pieces name them. */
  pieces(header: SessionHeader): HarPiece[] {
    const { comment, _wsiRedaction, ...head } = harLogFields(header);
    const out: HarPiece[] = [`{${pad(1)}"log": {${fields(head, 1).join(',')},${pad(2)}"entries": `];
    const entries = [...this.connections.values()]
      .map((c) => ({ c, start: entryStart(c.builder.facts) }))
      .sort((a, b) => a.start - b.start || a.c.order - b.c.order);
    if (entries.length === 0) out.push('[]');
    entries.forEach(({ c }, i) => {
      out.push(i === 0 ? `[${pad(ENTRY_DEPTH)}{` : `,${pad(ENTRY_DEPTH)}{`);
      out.push(...this.entryPieces(c));
      out.push(`${pad(ENTRY_DEPTH)}}`);
    });
    if (entries.length > 0) out.push(`${pad(2)}]`);
    out.push(
      `${fields({ comment, _wsiRedaction }, 1)
        .map((f) => ',' + f)
        .join('')}${pad(1)}}\n}\n`,
    );
    return out;
  }

  private item(connection: Connection, conn: ConnectionId, list: HarList, value: unknown): void {
    const first = connection.counts[list]++ === 0;
    this.spool.append(conn, list, `${first ? '[' : ','}${pad(ITEM_DEPTH)}${nested(value, ITEM_DEPTH)}`);
  }

  private entryPieces(connection: Connection): HarPiece[] {
    const { facts } = connection.builder;
    const entry = harEntry(facts, [], this.origin, this.options);
    const pieces: HarPiece[] = [];
    let text = '';
    Object.entries(entry).forEach(([key, value], i) => {
      if (value === undefined) return;
      text += `${i === 0 ? '' : ','}${pad(ENTRY_DEPTH + 1)}${JSON.stringify(key)}: `;
      const list: HarList | undefined =
        key === '_webSocketMessages' ? 'messages' : key === '_webSocketFrames' ? 'frames' : undefined;
      if (!list || connection.counts[list] === 0) {
        text += nested(value, ENTRY_DEPTH + 1);
        return;
      }
      pieces.push(text, { conn: facts.id, list });
      text = pad(ENTRY_DEPTH + 1) + ']';
    });
    pieces.push(text);
    return pieces;
  }
}
