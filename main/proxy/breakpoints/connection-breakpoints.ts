import type { HeldMessage, ReleaseHeldRequest } from '../../../shared/api/contract.js';
import type { HoldMessageFault, InjectedFault, ReleaseMessageFault } from '../../../shared/model/fault.js';
import type { NegotiatedExtension } from '../../../shared/model/handshake.js';
import type { Direction } from '../../../shared/model/wire.js';
import { findDeflate, senderResetsContext } from '../../../shared/protocol/deflate-params.js';
import type { RuleSubject } from '../../../shared/protocol/message-rule.js';
import { decodeUtf8 } from '../../../shared/protocol/utf8.js';
import { toHex } from '../../../shared/util/hex.js';
import type { RelayHandle } from '../relay.js';
import { describeWritten } from '../faults/close-frame.js';
import { HoldStage, type HoldUnit } from './hold-stage.js';

const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];
/** Payload bytes of a held message shown to the UI. */
const SHOWN_BYTES = 1024 * 1024;
const PREVIEW_CHARS = 200;

/** The rules and timeout in force, as the connection sees them (compiled by Breakpoints). */
export interface ConnectionRules {
  /** The rule (in words) that holds a unit going `dir` on this connection. */
  match(dir: Direction, subject: RuleSubject): string | undefined;
  /** Whether any rule could hold a unit with this opcode going `dir`. */
  holds(dir: Direction, opcode: number): boolean;
  timeoutMs(): number;
  onTimeout(): 'forward' | 'drop';
}

interface Held {
  id: string;
  dir: Direction;
  unit: HoldUnit;
  rule: string;
  heldAt: number;
  timeoutAt: number;
  onTimeout: 'forward' | 'drop';
  timer: NodeJS.Timeout;
}

const OPCODE_OF_KIND = { text: 1, json: 1, binary: 2 } as const;

/** What the user sees of a payload in a record: the start of the text, or hex for binary. */
function preview(opcode: number, payload: Uint8Array): string {
  if (opcode === 2) return toHex(payload, 0, Math.min(payload.length, 64));
  const text = decodeUtf8(payload.subarray(0, PREVIEW_CHARS * 4));
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

/** The receiver's deflate window for messages going `dir` (the sender's *_max_window_bits), 15 when not limited. */
function windowBits(extensions: readonly NegotiatedExtension[], dir: Direction): number {
  const deflate = findDeflate(extensions);
  const key = dir === 'c2s' ? 'client_max_window_bits' : 'server_max_window_bits';
  const value = deflate?.params[key];
  const bits = typeof value === 'string' ? Number(value) : NaN;
  return Number.isInteger(bits) && bits >= 8 && bits <= 15 ? bits : 15;
}

/**
 * Message breakpoints on one relayed WebSocket connection: a HoldStage per direction in front of the relay's own
 * faults, the held messages with their timeouts, and the records of each hold and release.
 */
export class ConnectionBreakpoints {
  private readonly stages: Record<Direction, HoldStage>;
  private readonly held = new Map<string, Held>();
  private nextId = 1;
  private closed = false;

  constructor(
    readonly conn: string,
    readonly url: string,
    private readonly relay: RelayHandle,
    extensions: readonly NegotiatedExtension[],
    private readonly rules: ConnectionRules,
    private readonly record: (fault: InjectedFault) => void,
    private readonly changed: () => void,
  ) {
    const deflate = findDeflate(extensions) !== undefined;
    const stage = (dir: Direction): HoldStage =>
      new HoldStage(
        {
          masked: dir === 'c2s',
          deflate,
          senderTakeover: deflate && !senderResetsContext(extensions, dir),
          windowBits: windowBits(extensions, dir),
          match: (subject) => this.rules.match(dir, subject),
          holds: (opcode) => this.rules.holds(dir, opcode),
        },
        {
          forward: (bytes) => this.relay.pipes[dir].passed(bytes),
          held: (unit, rule) => this.onHeld(dir, unit, rule),
          queued: () => this.changed(),
          pressure: (on) => this.relay.pipes[dir].holdForBreakpoint(on),
        },
      );
    this.stages = { c2s: stage('c2s'), s2c: stage('s2c') };
    for (const dir of DIRECTIONS) this.relay.pipes[dir].setHoldStage(this.stages[dir]);
  }

  list(): HeldMessage[] {
    return [...this.held.values()].map((held) => {
      const payload = held.unit.plain ?? Buffer.alloc(0);
      return {
        id: held.id,
        conn: this.conn,
        url: this.url,
        direction: held.dir,
        opcode: held.unit.opcode,
        size: payload.length,
        compressed: held.unit.compressed,
        rule: held.rule,
        base64: payload.subarray(0, SHOWN_BYTES).toString('base64'),
        truncated: payload.length > SHOWN_BYTES,
        heldAt: held.heldAt,
        timeoutAt: held.timeoutAt,
        onTimeout: held.onTimeout,
        queued: this.stages[held.dir].queuedCount,
      };
    });
  }

  has(id: string): boolean {
    return this.held.has(id);
  }

  /** Applies the user's choice; throws (changing nothing) when the message is no longer held. */
  release(request: Omit<ReleaseHeldRequest, 'id'> & { id: string }, by: 'user' | 'timeout' = 'user'): void {
    const held = this.held.get(request.id);
    if (!held) throw new Error(`message "${request.id}" is no longer held (it was released already)`);
    if (this.closed || this.relay.closed || this.relay.pipes[held.dir].isDiscarding)
      throw new Error(`the connection of held message "${request.id}" is closed`);
    const stage = this.stages[held.dir];
    const { unit } = held;
    let payload: Buffer | undefined;
    let opcode = unit.opcode;
    if (request.action === 'edit') {
      const kind = request.kind ?? 'text';
      opcode = OPCODE_OF_KIND[kind];
      payload = Buffer.from(request.data ?? '', kind === 'binary' ? 'base64' : 'utf8');
    }
    const recompressed =
      request.action !== 'forward' &&
      unit.compressed &&
      !stage.recompressing &&
      this.takesOverContext(held.dir);
    const fault: ReleaseMessageFault = {
      kind: 'release-message',
      id: held.id,
      direction: held.dir,
      outcome: request.action,
      by,
      opcode,
      bytes:
        request.action === 'edit'
          ? payload!.length
          : request.action === 'drop'
            ? 0
            : (unit.plain?.length ?? 0),
      ...(payload ? { preview: preview(opcode, payload) } : {}),
      ...(recompressed ? { recompressed: true } : {}),
    };
    clearTimeout(held.timer);
    this.held.delete(held.id);
    // Recorded before its bytes are written, so the message the peer gets follows its release in the session.
    if (request.action === 'edit')
      stage.replace(opcode, payload!, (frame) => this.record({ ...fault, written: describeWritten(frame) }));
    else {
      this.record(fault);
      if (request.action === 'forward') stage.forward();
      else stage.drop();
    }
    this.changed();
  }

  /** The connection is over: what was held goes with it. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const held of this.held.values()) clearTimeout(held.timer);
    const had = this.held.size > 0;
    this.held.clear();
    if (had) this.changed();
  }

  private takesOverContext(dir: Direction): boolean {
    return this.stages[dir].takesOverContext;
  }

  private onHeld(dir: Direction, unit: HoldUnit, rule: string): void {
    const id = `${this.conn}-h${this.nextId++}`;
    const payload = unit.plain ?? Buffer.alloc(0);
    const fault: HoldMessageFault = {
      kind: 'hold-message',
      id,
      direction: dir,
      opcode: unit.opcode,
      bytes: payload.length,
      rule,
      preview: preview(unit.opcode, payload),
    };
    this.record(fault);
    const timeoutMs = this.rules.timeoutMs();
    const onTimeout = this.rules.onTimeout();
    const timer = setTimeout(() => {
      try {
        this.release({ id, action: onTimeout }, 'timeout');
      } catch {
        // The connection closed meanwhile.
      }
    }, timeoutMs);
    timer.unref();
    const heldAt = Date.now();
    this.held.set(id, { id, dir, unit, rule, heldAt, timeoutAt: heldAt + timeoutMs, onTimeout, timer });
    this.changed();
  }
}
