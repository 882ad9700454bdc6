import type { BreakpointSettings, HeldMessage, ReleaseHeldRequest } from '../../../shared/api/contract.js';
import type { InjectedFault } from '../../../shared/model/fault.js';
import type { NegotiatedExtension } from '../../../shared/model/handshake.js';
import type { Direction } from '../../../shared/model/wire.js';
import { compileRule, describeRule, type CompiledRule } from '../../../shared/protocol/message-rule.js';
import { urlMatches } from '../faults/scenario-schedule.js';
import type { RelayHandle } from '../relay.js';
import { ConnectionBreakpoints } from './connection-breakpoints.js';

const OPCODES: Record<string, number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };
export const DEFAULT_HOLD_TIMEOUT_MS = 60_000;
/** Held-message lists are pushed at most this often (a queue growing behind a held message changes it often). */
const PUSH_INTERVAL_MS = 50;

interface CompiledHoldRule {
  directions: readonly Direction[];
  url: string | undefined;
  matches: CompiledRule;
  text: string;
  /** The opcode the rule names (control frames are only held by rules that name them). */
  opcode: number | undefined;
}

/**
 * The message breakpoints of a proxy controller: the rules (applied to open connections at once and to every new
 * one), the connections that can hold messages, and the `held` list pushed to the views.
 */
export class Breakpoints {
  private rules: CompiledHoldRule[] = [];
  /** As last set. */
  settings: BreakpointSettings = { rules: [] };
  private timeoutMs = DEFAULT_HOLD_TIMEOUT_MS;
  private onTimeout: 'forward' | 'drop' = 'forward';
  private readonly connections = new Map<string, ConnectionBreakpoints>();
  private readonly listeners = new Set<(held: HeldMessage[]) => void>();
  private pushTimer: NodeJS.Timeout | undefined;

  /** Replaces the rules (validated by the contract; an invalid one throws before anything changes). */
  set(settings: BreakpointSettings): void {
    const rules = settings.rules.map((entry) => ({
      directions: entry.direction === 'both' ? (['c2s', 's2c'] as const) : [entry.direction],
      url: entry.url,
      matches: compileRule(entry.rule),
      text: describeRule(entry.rule),
      opcode: entry.rule.opcode !== undefined ? OPCODES[entry.rule.opcode] : undefined,
    }));
    this.rules = rules;
    this.timeoutMs = settings.timeoutMs ?? DEFAULT_HOLD_TIMEOUT_MS;
    this.onTimeout = settings.onTimeout ?? 'forward';
    this.settings = settings;
  }

  /** Puts breakpoints on a connection whose relay just started; returns what to call when it is over. */
  attach(
    conn: string,
    url: string,
    relay: RelayHandle,
    extensions: readonly NegotiatedExtension[],
    record: (fault: InjectedFault) => void,
  ): () => void {
    const applies = (rule: CompiledHoldRule, dir: Direction): boolean =>
      rule.directions.includes(dir) && (rule.url === undefined || urlMatches(rule.url, url));
    const connection = new ConnectionBreakpoints(
      conn,
      url,
      relay,
      extensions,
      {
        match: (dir, subject) => this.rules.find((rule) => applies(rule, dir) && rule.matches(subject))?.text,
        holds: (dir, opcode) =>
          this.rules.some(
            (rule) => applies(rule, dir) && (rule.opcode === undefined ? opcode < 8 : rule.opcode === opcode),
          ),
        timeoutMs: () => this.timeoutMs,
        onTimeout: () => this.onTimeout,
      },
      record,
      () => this.pushSoon(),
    );
    this.connections.set(conn, connection);
    return () => {
      connection.dispose();
      if (this.connections.get(conn) === connection) this.connections.delete(conn);
    };
  }

  list(): HeldMessage[] {
    return [...this.connections.values()].flatMap((connection) => connection.list());
  }

  release(request: ReleaseHeldRequest): void {
    const connection = [...this.connections.values()].find((c) => c.has(request.id));
    if (!connection)
      throw new Error(`message "${request.id}" is not held (released already, or its connection closed)`);
    connection.release(request);
  }

  onChange(listener: (held: HeldMessage[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  dispose(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
  }

  private pushSoon(): void {
    if (this.pushTimer || this.listeners.size === 0) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      const held = this.list();
      for (const listener of this.listeners) listener(held);
    }, PUSH_INTERVAL_MS);
    this.pushTimer.unref();
  }
}
