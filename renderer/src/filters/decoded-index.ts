import { decodeWith } from '../../../shared/decoders/index.js';
import { MqttStream } from '../../../shared/decoders/mqtt.js';
import { choiceKey } from '../../../shared/decoders/select.js';
import type { DecoderChoice } from '../../../shared/decoders/select.js';
import { pushMqtt } from '../../../shared/decoders/stream.js';
import type { Decoded, DecoderInput, ProtocolId } from '../../../shared/decoders/types.js';
import type { Clause } from './decoded-query.js';
import { QUERY_FIELDS, queriedValue } from './decoded-query.js';
import { ROW_MESSAGE, ROW_OPCODE_SHIFT, ROW_S2C } from './row-kind.js';
import type { SearchedRows } from './searched-rows.js';

/** One field's distinct values, numbered from 1 in order of appearance (0 stands for "the message has none"). */
class Interned {
  readonly values: (string | undefined)[] = [undefined];
  private readonly ids = new Map<string, number>();

  id(value: string | undefined): number {
    if (value === undefined) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}

const NOT_DECODED = -1;

/** Rows decoded between two looks at the clock. */
const CLOCK_ROWS = 256;

/**
 * One connection's message rows decoded once with one decoder, kept as the fields a query tests: for each field, a
 * column of numbers standing for its values (a few distinct kinds and events, however many messages). A query then
 * tests each distinct value once and scans the columns, instead of decoding a million messages again; typing a query
 * asks one per keystroke. Rows are decoded in the order they were sent (MQTT is a stream across messages), in slices
 * (`extend`), so the index is built in the background once the decoder is known and grows with the log.
 */
export class DecodedIndex {
  readonly key: string;
  private readonly protocol: ProtocolId;
  private readonly mqtt: MqttStream | undefined;
  private readonly tables = QUERY_FIELDS.map(() => new Interned());
  /** Column f holds field QUERY_FIELDS[f] of each decoded message, by its number among them. */
  private columns = QUERY_FIELDS.map(() => new Int32Array(0));
  private decoded = 0;
  /** Each event index's message number; NOT_DECODED for other rows and rows not reached yet. */
  private numberOf = new Int32Array(0);
  /** The next row to decode: its chunk and its place in it. */
  private chunkAt = 0;
  private rowAt = 0;
  /** Chunks before this one have room made for them (`reserve`). */
  private reserved = 0;
  private messagesReserved = 0;

  constructor(readonly choice: DecoderChoice & { protocol: ProtocolId }) {
    this.key = choiceKey(choice);
    this.protocol = choice.protocol;
    this.mqtt = choice.protocol === 'mqtt' ? new MqttStream(choice.context) : undefined;
  }

  /** Decodes the rows not indexed yet until `until` (a `performance.now()` time) passes; true once all are. */
  extend(rows: SearchedRows, until: number): boolean {
    this.reserve(rows);
    let sinceClock = 0;
    for (; this.chunkAt < rows.chunkCount; this.chunkAt++, this.rowAt = 0) {
      const { indices, kinds, offsets, bytes, truncated } = rows.chunk(this.chunkAt);
      while (this.rowAt < indices.length) {
        const row = this.rowAt++;
        const kind = kinds[row]!;
        if (kind & ROW_MESSAGE) {
          const input: DecoderInput = {
            dir: kind & ROW_S2C ? 's2c' : 'c2s',
            opcode: kind >> ROW_OPCODE_SHIFT,
            bytes: bytes.subarray(offsets[row], offsets[row + 1]),
            truncated: truncated[row] === 1,
            // MQTT reads bytes; the others read text, which an ASCII row has as a slice of its chunk's.
            text: this.mqtt ? undefined : rows.asciiText(this.chunkAt, row),
          };
          const decoded = this.mqtt
            ? pushMqtt(this.mqtt, input)
            : decodeWith(this.protocol, input, this.choice.context);
          this.add(indices[row]!, decoded);
        }
        if (++sinceClock === CLOCK_ROWS) {
          sinceClock = 0;
          // Stopping after a chunk's last row leaves the cursor there: the next call moves on to the next chunk.
          if (performance.now() >= until) return false;
        }
      }
    }
    return true;
  }

  /** The first event index not decoded yet: every row of the log before it has been (the index is in row order). */
  decodedBefore(rows: SearchedRows): number {
    for (let at = this.chunkAt, row = this.rowAt; at < rows.chunkCount; at++, row = 0) {
      const { indices } = rows.chunk(at);
      if (row < indices.length) return indices[row]!;
    }
    return Number.POSITIVE_INFINITY;
  }

  /**
   * Makes room for the messages of chunks that arrived since: as many as they hold when they are many (a file opened),
   * else half as much again as before (a live log), so growing by small chunks costs no copy a chunk.
   */
  private reserve(rows: SearchedRows): void {
    if (this.reserved === rows.chunkCount) return;
    let messages = this.messagesReserved;
    let events = this.numberOf.length;
    for (; this.reserved < rows.chunkCount; this.reserved++) {
      const { kinds, indices } = rows.chunk(this.reserved);
      for (let row = 0; row < kinds.length; row++) messages += kinds[row]! & ROW_MESSAGE;
      if (indices.length > 0) events = Math.max(events, indices[indices.length - 1]! + 1);
    }
    this.messagesReserved = messages;
    if (messages > this.columns[0]!.length) {
      const length = Math.max(messages, Math.floor(this.columns[0]!.length * 1.5));
      this.columns = this.columns.map((column) => grown(column, length, 0));
    }
    if (events > this.numberOf.length)
      this.numberOf = grown(
        this.numberOf,
        Math.max(events, Math.floor(this.numberOf.length * 1.5)),
        NOT_DECODED,
      );
  }

  private add(index: number, decoded: Decoded): void {
    const number = this.decoded++;
    const { columns, tables } = this;
    // Written out field by field (in QUERY_FIELDS order): a property read by a name that varies is a slow lookup.
    columns[0]![number] = tables[0]!.id(queriedValue(decoded.protocol));
    columns[1]![number] = tables[1]!.id(queriedValue(decoded.kind));
    columns[2]![number] = tables[2]!.id(queriedValue(decoded.event));
    columns[3]![number] = tables[3]!.id(queriedValue(decoded.topic));
    columns[4]![number] = tables[4]!.id(queriedValue(decoded.id));
    this.numberOf[index] = number;
  }

  /**
   * The candidates (event indices) whose decoded message every clause accepts; rows not decoded (not messages, or
   * past what `extend` reached) never match. Each clause judges each distinct value of its field once.
   */
  matches(clauses: readonly Clause[], candidates: Uint32Array): Uint32Array {
    const tests = clauses.map(({ field, accepts }) => {
      const f = QUERY_FIELDS.indexOf(field);
      const { values } = this.tables[f]!;
      /** Per value number: 0 not judged yet, 1 accepted, 2 refused. */
      const verdicts = new Uint8Array(values.length);
      return { column: this.columns[f]!, values, verdicts, accepts };
    });
    const out = new Uint32Array(candidates.length);
    let count = 0;
    const { numberOf } = this;
    next: for (let i = 0; i < candidates.length; i++) {
      const index = candidates[i]!;
      const number = index < numberOf.length ? numberOf[index]! : NOT_DECODED;
      if (number === NOT_DECODED) continue;
      for (const { column, values, verdicts, accepts } of tests) {
        const value = column[number]!;
        let verdict = verdicts[value]!;
        if (verdict === 0) verdicts[value] = verdict = accepts(values[value]) ? 1 : 2;
        if (verdict === 2) continue next;
      }
      out[count++] = index;
    }
    return out.slice(0, count);
  }
}

function grown(array: Int32Array, length: number, fill: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  if (fill !== 0) bigger.fill(fill, array.length);
  bigger.set(array);
  return bigger;
}
