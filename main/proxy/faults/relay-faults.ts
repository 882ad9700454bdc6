import type { ProxyFaults, ScenarioStep } from '../../../shared/api/contract.js';
import type { FaultDirection, InjectedFault } from '../../../shared/model/fault.js';
import { compileRule, describeRule, type MessageRule } from '../../../shared/protocol/message-rule.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { RelayHandle } from '../relay.js';
import type { ConnectionFaults } from './connection-faults.js';
import { FrameFilter, type DropRule } from './frame-filter.js';
import { normalizeFault } from './normalize-fault.js';

const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];
const OPCODES: Record<string, number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };
const covers = (setting: FaultDirection | undefined, dir: Direction): boolean =>
  setting === 'both' || setting === dir;

function dropRule(rule: MessageRule): DropRule {
  return {
    matches: compileRule(rule),
    text: describeRule(rule),
    ...(rule.opcode !== undefined ? { opcode: OPCODES[rule.opcode] } : {}),
  };
}

/** One record for both directions when they got the same setting. */
function perDirectionRecords(
  values: Partial<Record<Direction, unknown>> | undefined,
  make: (direction: FaultDirection, dir: Direction) => InjectedFault,
): InjectedFault[] {
  const c2s = values?.c2s;
  const s2c = values?.s2c;
  if (c2s !== undefined && JSON.stringify(c2s) === JSON.stringify(s2c)) return [make('both', 'c2s')];
  return DIRECTIONS.filter((dir) => values?.[dir] !== undefined).map((dir) => make(dir, dir));
}

/**
 * The proxy-wide faults that act on an upgraded connection's bytes (delay and bandwidth per direction, swallowed
 * pongs, dropped messages, the close after N messages) and the scenario steps aimed at this connection. Each fault is
 * recorded through `faults`: delay and bandwidth once at the start, pongs and messages each time one is dropped, the
 * close and a step's fault when they happen.
 */
export function applyRelayFaults(
  relay: RelayHandle,
  settings: ProxyFaults | undefined,
  deflate: boolean,
  faults: ConnectionFaults,
  steps: readonly ScenarioStep[] = [],
): void {
  const { delay, bandwidth, closeAfter } = settings ?? {};
  for (const dir of DIRECTIONS) {
    const d = delay?.[dir];
    if (d) relay.pipes[dir].setLatency(d.ms, d.jitterMs ?? 0);
    const rate = bandwidth?.[dir];
    if (rate !== undefined) relay.pipes[dir].setBandwidth(rate);
  }
  for (const fault of [
    ...perDirectionRecords(delay, (direction, dir) => ({
      kind: 'delay',
      direction,
      ms: delay?.[dir]?.ms ?? 0,
      jitterMs: delay?.[dir]?.jitterMs ?? 0,
    })),
    ...perDirectionRecords(bandwidth, (direction, dir) => ({
      kind: 'bandwidth',
      direction,
      bytesPerSecond: bandwidth?.[dir] ?? 0,
    })),
  ])
    faults.note(fault);

  const injectSafely = (fault: InjectedFault): void => {
    try {
      faults.inject(fault);
    } catch {
      // The connection ended meanwhile.
    }
  };
  const counted = { c2s: 0, s2c: 0 };
  const waiting: { step: ScenarioStep; count: number }[] = [];
  const filters: Partial<Record<Direction, FrameFilter>> = {};
  const messageForwarded = (dir: Direction): void => {
    counted[dir]++;
    const total = counted.c2s + counted.s2c;
    if (closeAfter && total === closeAfter.messages)
      injectSafely({
        kind: 'close',
        side: 'both',
        code: closeAfter.code,
        ...(closeAfter.reason ? { reason: closeAfter.reason } : {}),
        afterMessages: closeAfter.messages,
      });
    for (const entry of [...waiting]) {
      const seen = entry.step.counting ? counted[entry.step.counting] : total;
      if (seen < entry.count) continue;
      waiting.splice(waiting.indexOf(entry), 1);
      runStep(entry.step);
    }
  };
  const runStep = (step: ScenarioStep): void => {
    if (step.fault) return injectSafely(normalizeFault(step.fault));
    for (const dir of DIRECTIONS) {
      if (covers(step.suppressPongs, dir)) filters[dir]?.suppressPongs();
      if (step.dropMessages && covers(step.dropMessages.direction, dir))
        filters[dir]?.addRule(dropRule(step.dropMessages.rule));
    }
  };

  for (const dir of DIRECTIONS) {
    const suppressPongs = covers(settings?.suppressPongs, dir);
    const dropRules: DropRule[] = (settings?.dropMessages ?? [])
      .filter((entry) => covers(entry.direction, dir))
      .map(({ rule }) => dropRule(rule));
    if (!suppressPongs && dropRules.length === 0 && !closeAfter && steps.length === 0) continue;
    const pipe = relay.pipes[dir];
    const filter = new FrameFilter(
      { suppressPongs, dropRules, deflate },
      {
        forward: (bytes) => pipe.forward(bytes),
        messageForwarded: () => messageForwarded(dir),
        pongSuppressed: (bytes) => faults.note({ kind: 'suppress-pongs', direction: dir, bytes }),
        messageDropped: (rule, opcode, bytes) =>
          faults.note({ kind: 'drop-message', direction: dir, rule, opcode, bytes }),
      },
    );
    filters[dir] = filter;
    pipe.setFilter(filter);
  }

  for (const step of steps) {
    if (step.afterMessages !== undefined) waiting.push({ step, count: step.afterMessages });
    else if (step.at !== undefined && step.at > 0) faults.schedule(step.at, () => runStep(step));
    else runStep(step);
  }
}
