import { InspectorMarks } from '../../../shared/analysis/inspector-marks.js';
import type { CaptureEvent, FrameEvent, MessageEvent } from '../../../shared/model/events.js';
import type { ConnectionSummary, Finding, ImportedAnalysis } from '../../../shared/model/finding.js';
import type { ColumnChunk, RowFacts } from './columnar-log.js';
import { ColumnarLog, HELD_MESSAGE, HELD_OBJECT } from './columnar-log.js';
import type { ConnKey } from './keys.js';

/** shared/analysis of one connection of a session file, made while the file was read. */
export interface PrecomputedAnalysis {
  summary: ConnectionSummary | undefined;
  findings: Finding[];
  imported?: ImportedAnalysis;
}

/** Everything recorded for one connection, append-only, plus lookups the detail views need. */
export class ConnectionLog {
  readonly events = new ColumnarLog();
  /** frame seq -> indices of violation events about that frame */
  readonly violationsByFrame = new Map<number, number[]>();
  /** Violations not tied to a frame. */
  readonly otherViolations: number[] = [];
  /** Messages the inspector's proxy held, edited, dropped or injected. */
  readonly marks = new InspectorMarks();

  /** Set once a session file is read: the analysis its reader made of this connection (see use-analysis.ts). */
  analysis: PrecomputedAnalysis | undefined = undefined;

  append(event: CaptureEvent): number {
    const index = this.events.push(event);
    this.note(event, index);
    return index;
  }

  /** Appends a chunk of column-held entries (from a session file's reader) and returns the index of its first. */
  appendChunk(chunk: ColumnChunk, expectedTotal = 0): number {
    const start = this.events.appendChunk(chunk, expectedTotal);
    const end = this.events.length;
    let from = start;
    for (let index = start; index < end; index++) {
      if (this.events.heldAt(index) !== HELD_OBJECT) continue;
      this.noteMessages(from, index);
      this.note(this.events.get(index)!, index);
      from = index + 1;
    }
    this.noteMessages(from, end);
    return start;
  }

  private readonly facts: RowFacts = { held: 0, dir: 'c2s', opcode: 0, size: 0 };

  /**
   * Tells the marks about the column-held messages of entries [from, to). They need only the last client message
   * (an action record may follow) unless a server message is awaited: then each message, in order.
   */
  private noteMessages(from: number, to: number): void {
    const facts = this.facts;
    if (this.marks.awaitsServerMessage) {
      for (let index = from; index < to; index++) {
        this.events.facts(index, facts);
        if (facts.held === HELD_MESSAGE) this.marks.noteMessage(facts.dir, this.events.messageIdAt(index));
      }
      return;
    }
    for (let index = to - 1; index >= from; index--) {
      this.events.facts(index, facts);
      if (facts.held === HELD_MESSAGE && facts.dir === 'c2s')
        return this.marks.noteMessage('c2s', this.events.messageIdAt(index));
    }
  }

  private note(event: CaptureEvent, index: number): void {
    this.marks.note(event);
    if (event.type === 'violation') {
      const seq = event.violation.frameSeq;
      if (seq === undefined) this.otherViolations.push(index);
      else this.violationsByFrame.set(seq, [...(this.violationsByFrame.get(seq) ?? []), index]);
    }
  }

  /** Index in `events` of the frame with this seq. */
  frameIndex(seq: number): number | undefined {
    return this.events.frameIndex(seq);
  }

  frame(seq: number): FrameEvent | undefined {
    const index = this.events.frameIndex(seq);
    const event = index === undefined ? undefined : this.events.get(index);
    return event?.type === 'frame' ? event : undefined;
  }

  at(index: number): CaptureEvent | undefined {
    return this.events.get(index);
  }
}

/** Non-reactive home of hot data, keyed by connection. Lives beside the zustand store, never inside its state. */
export class HotLog {
  private readonly logs = new Map<ConnKey, ConnectionLog>();

  get(key: ConnKey): ConnectionLog | undefined {
    return this.logs.get(key);
  }

  getOrCreate(key: ConnKey): ConnectionLog {
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = new ConnectionLog()));
    return log;
  }

  delete(key: ConnKey): void {
    this.logs.delete(key);
  }
}

export type RowEvent = FrameEvent | MessageEvent;
