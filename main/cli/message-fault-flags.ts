import type { ProxyFaults } from '../../shared/api/contract.js';
import {
  parseCloseAfterText,
  parseDelayText,
  parseDropText,
  parseRateText,
  splitDirection,
  TEXT_DIRECTIONS,
  type Parsed,
} from '../../shared/api/fault-text.js';
import { UsageError } from './command.js';

export const MESSAGE_FAULT_FLAG_OPTIONS = {
  'downgrade-http10': { type: 'boolean' },
  'strip-upgrade': { type: 'boolean' },
  'suppress-pongs': { type: 'string' },
  'drop-messages': { type: 'string', multiple: true },
  delay: { type: 'string', multiple: true },
  bandwidth: { type: 'string', multiple: true },
  'close-after': { type: 'string' },
} as const;

export const MESSAGE_FAULT_FLAGS_USAGE = `      --downgrade-http10         fault: send the upgrade upstream as HTTP/1.0 without keep-alive
      --strip-upgrade            fault: send the upgrade upstream without Upgrade and Connection headers
      --suppress-pongs c2s|s2c|both       fault: swallow pong frames going that way
      --drop-messages [DIR:]RULE fault: drop matching messages (DIR c2s|s2c|both, default both; RULE
                                 opcode:NAME, contains:TEXT, regex:PATTERN, json:PATH[=VALUE]; repeatable)
      --delay [DIR:]MS[:JITTER]  fault: deliver every chunk MS ms late, ± JITTER ms (repeatable per DIR)
      --bandwidth [DIR:]BYTES_PER_S       fault: at most that many bytes per second (64k, 1m; per DIR)
      --close-after N:CODE[:REASON]       fault: close frame CODE to both sides after N messages`;

export interface MessageFaultValues {
  'downgrade-http10'?: boolean;
  'strip-upgrade'?: boolean;
  'suppress-pongs'?: string;
  'drop-messages'?: string[];
  delay?: string[];
  bandwidth?: string[];
  'close-after'?: string;
}

function valueOf<T>(flag: string, text: string, parsed: Parsed<T>): T {
  if ('error' in parsed) throw new UsageError(`--${flag} ${JSON.stringify(text)}: ${parsed.error}`);
  return parsed.value;
}

function perDirection<T>(
  flag: string,
  entries: readonly string[] | undefined,
  parse: (rest: string) => Parsed<T>,
): { c2s?: T; s2c?: T } | undefined {
  if (!entries || entries.length === 0) return undefined;
  const out: { c2s?: T; s2c?: T } = {};
  for (const entry of entries) {
    const [direction, rest] = splitDirection(entry);
    const value = valueOf(flag, entry, parse(rest));
    for (const dir of direction === 'both' ? (['c2s', 's2c'] as const) : [direction]) {
      if (out[dir] !== undefined) throw new UsageError(`--${flag} given twice for ${dir}`);
      out[dir] = value;
    }
  }
  return out;
}

/** The message-level and head fault flags as `ProxyFaults` fields (unvalidated: the caller runs the API validator). */
export function parseMessageFaultFlags(values: MessageFaultValues): Partial<ProxyFaults> {
  const faults: Partial<ProxyFaults> = {};
  if (values['downgrade-http10']) faults.downgradeHttp10 = true;
  if (values['strip-upgrade']) faults.stripUpgrade = true;
  const pongs = values['suppress-pongs'];
  if (pongs !== undefined) {
    const direction = TEXT_DIRECTIONS.find((d) => d === pongs);
    if (!direction)
      throw new UsageError(`--suppress-pongs must be c2s, s2c or both, got ${JSON.stringify(pongs)}`);
    faults.suppressPongs = direction;
  }
  const drops = values['drop-messages'];
  if (drops && drops.length > 0)
    faults.dropMessages = drops.map((entry) => valueOf('drop-messages', entry, parseDropText(entry)));
  const delay = perDirection('delay', values.delay, parseDelayText);
  if (delay) faults.delay = delay;
  const bandwidth = perDirection('bandwidth', values.bandwidth, parseRateText);
  if (bandwidth) faults.bandwidth = bandwidth;
  const closeAfter = values['close-after'];
  if (closeAfter !== undefined)
    faults.closeAfter = valueOf('close-after', closeAfter, parseCloseAfterText(closeAfter));
  return faults;
}
