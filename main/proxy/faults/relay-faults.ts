import type { ProxyFaults } from '../../../shared/api/contract.js';
import type { FaultDirection, InjectedFault } from '../../../shared/model/fault.js';
import { compileRule, describeRule } from '../../../shared/protocol/message-rule.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { RelayHandle } from '../relay.js';
import type { ConnectionFaults } from './connection-faults.js';
import { FrameFilter, type DropRule } from './frame-filter.js';

const DIRECTIONS: readonly Direction[] = ['c2s', 's2c'];
const OPCODES: Record<string, number> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };
const covers = (setting: FaultDirection | undefined, dir: Direction): boolean =>
  setting === 'both' || setting === dir;

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
 * The proxy-wide faults that act on an upgraded connection's bytes: delay and bandwidth per direction, swallowed pongs,
 * dropped messages and the close after N messages. Each is recorded through `faults` (delay and bandwidth once, at
 * the start; pongs and messages each time one is dropped; the close when it is sent).
 */
export function applyRelayFaults(
  relay: RelayHandle,
  settings: ProxyFaults | undefined,
  deflate: boolean,
  faults: ConnectionFaults,
): void {
  if (!settings) return;
  const { delay, bandwidth, closeAfter } = settings;
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

  let messages = 0;
  const messageForwarded = (): void => {
    if (!closeAfter || ++messages !== closeAfter.messages) return;
    try {
      faults.inject({
        kind: 'close',
        side: 'both',
        code: closeAfter.code,
        ...(closeAfter.reason ? { reason: closeAfter.reason } : {}),
        afterMessages: closeAfter.messages,
      });
    } catch {
      // The connection ended meanwhile.
    }
  };
  for (const dir of DIRECTIONS) {
    const suppressPongs = covers(settings.suppressPongs, dir);
    const dropRules: DropRule[] = (settings.dropMessages ?? [])
      .filter((entry) => covers(entry.direction, dir))
      .map(({ rule }) => ({
        matches: compileRule(rule),
        text: describeRule(rule),
        ...(rule.opcode !== undefined ? { opcode: OPCODES[rule.opcode] } : {}),
      }));
    if (!suppressPongs && dropRules.length === 0 && !closeAfter) continue;
    const pipe = relay.pipes[dir];
    pipe.setFilter(
      new FrameFilter(
        { suppressPongs, dropRules, deflate },
        {
          forward: (bytes) => pipe.forward(bytes),
          messageForwarded,
          pongSuppressed: (bytes) => faults.note({ kind: 'suppress-pongs', direction: dir, bytes }),
          messageDropped: (rule, opcode, bytes) =>
            faults.note({ kind: 'drop-message', direction: dir, rule, opcode, bytes }),
        },
      ),
    );
  }
}
