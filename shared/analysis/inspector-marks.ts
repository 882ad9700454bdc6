import type { CaptureEvent } from '../model/events.js';
import type { Direction } from '../model/wire.js';

/** What the inspector's proxy did to a recorded message (message breakpoints, injection). */
export interface InspectorMark {
  kind: 'held' | 'forwarded' | 'edited' | 'dropped' | 'injected';
  /** In words, for a tooltip. */
  detail: string;
}

type Pending = InspectorMark;

/**
 * Follows one connection's records in order and ties the breakpoint and injection records to the messages they
 * concern. The downstream leg is recorded, so: a held client message is the last client message before its
 * `hold-message` record (and its release says what became of it); a server message the relay forwarded, edited or
 * injected is the next server message after that record; a dropped server message and anything injected toward the
 * server have no message record (their action records say what happened).
 */
export class InspectorMarks {
  private readonly marks = new Map<number, InspectorMark>();
  private readonly heldClient = new Map<string, number>();
  private readonly nextServer: Pending[] = [];
  private lastClient: number | undefined;

  /** Whether a server message is awaited (to be marked): else of messages only the last client one matters. */
  get awaitsServerMessage(): boolean {
    return this.nextServer.length > 0;
  }

  /** A message record, by the two fields that matter here (for logs that hold messages in columns). */
  noteMessage(dir: Direction, id: number): void {
    if (dir === 'c2s') this.lastClient = id;
    else {
      const pending = this.nextServer.shift();
      if (pending) this.marks.set(id, pending);
    }
  }

  note(event: CaptureEvent): void {
    if (event.type === 'message') return this.noteMessage(event.message.dir, event.message.id);
    if (event.type !== 'action' || !event.fault) return;
    const fault = event.fault;
    if (fault.kind === 'hold-message' && fault.direction === 'c2s' && this.lastClient !== undefined) {
      this.heldClient.set(fault.id, this.lastClient);
      this.marks.set(this.lastClient, { kind: 'held', detail: `held by a breakpoint (${fault.rule})` });
    } else if (fault.kind === 'release-message') {
      const by = fault.by === 'timeout' ? 'at the hold timeout' : 'by the user';
      const mark: InspectorMark =
        fault.outcome === 'edit'
          ? { kind: 'edited', detail: `held, then edited ${by}; sent: ${fault.preview ?? ''}` }
          : fault.outcome === 'drop'
            ? { kind: 'dropped', detail: `held, then dropped ${by}` }
            : { kind: 'forwarded', detail: `held, then forwarded unchanged ${by}` };
      if (fault.direction === 'c2s') {
        const id = this.heldClient.get(fault.id);
        if (id !== undefined) this.marks.set(id, mark);
      } else if (fault.outcome !== 'drop') this.nextServer.push(mark);
    } else if (fault.kind === 'inject-message' && fault.direction === 's2c' && fault.opcode < 8) {
      this.nextServer.push({ kind: 'injected', detail: 'written by the inspector (injected message)' });
    }
  }

  of(messageId: number): InspectorMark | undefined {
    return this.marks.get(messageId);
  }
}
