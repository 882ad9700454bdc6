import type { ProxyFaults } from '../../../shared/api/contract.js';
import {
  parseCloseAfterText,
  parseDelayText,
  parseDropText,
  parseRateText,
  type Parsed as ParsedText,
  type TextDirection,
} from '../../../shared/api/fault-text.js';
import type { Direction } from '../../../shared/model/wire.js';
import type { ConnectionView } from '../store/connection-view.js';
import { validateCloseCode } from './close-code.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_LATENCY_MS = 600_000;

/** A close code the proxy may write into a close frame: 1000–1003, 1007–1014 or 3000–4999. */
export function validateFaultCloseCode(text: string): { code: number } | { error: string } {
  const checked = validateCloseCode(text);
  if ('error' in checked) return checked;
  if (checked.code === undefined) return { error: 'Enter a close code.' };
  if (checked.code > 1015 && checked.code < 3000) {
    return { error: `${checked.code} is not assigned; use 1000–1003, 1007–1014 or 3000–4999.` };
  }
  return { code: checked.code };
}

/** Latency per chunk in whole milliseconds, 0 (removes it) to 600 000. */
export function parseLatencyMs(text: string): { ms: number } | { error: string } {
  const trimmed = text.trim();
  const ms = Number(trimmed);
  if (!/^\d+$/.test(trimmed) || ms > MAX_LATENCY_MS) {
    return { error: `Latency must be a whole number of ms from 0 to ${MAX_LATENCY_MS}.` };
  }
  return { ms };
}

/** What the start form's "Faults" section holds, as typed. Empty fields mean "not applied". */
export interface ProxyFaultsForm {
  idleTimeoutSeconds: string;
  idleDrop: 'fin' | 'rst';
  maxLifetimeSeconds: string;
  rejectUpgradePercent: string;
  rejectStatus: string;
  dropAfterUpgradePercent: string;
  downgradeHttp10: boolean;
  stripUpgrade: boolean;
  suppressPongs: '' | TextDirection;
  /** One `[DIR:]RULE` per line (as `wsi proxy --drop-messages`). */
  dropMessages: string;
  /** `MS[:JITTER]` per direction. */
  delayC2s: string;
  delayS2c: string;
  /** Bytes per second per direction (64k, 1m). */
  bandwidthC2s: string;
  bandwidthS2c: string;
  /** `N:CODE[:REASON]`. */
  closeAfter: string;
}

export const EMPTY_PROXY_FAULTS_FORM: ProxyFaultsForm = {
  idleTimeoutSeconds: '',
  idleDrop: 'fin',
  maxLifetimeSeconds: '',
  rejectUpgradePercent: '',
  rejectStatus: '',
  dropAfterUpgradePercent: '',
  downgradeHttp10: false,
  stripUpgrade: false,
  suppressPongs: '',
  dropMessages: '',
  delayC2s: '',
  delayS2c: '',
  bandwidthC2s: '',
  bandwidthS2c: '',
  closeAfter: '',
};

/** The message-level fields of the form as `faults` fields, or the first problem named by its label. */
function messageFaultsFromForm(form: ProxyFaultsForm): { faults: Partial<ProxyFaults> } | { error: string } {
  const faults: Partial<ProxyFaults> = {};
  if (form.downgradeHttp10) faults.downgradeHttp10 = true;
  if (form.stripUpgrade) faults.stripUpgrade = true;
  if (form.suppressPongs !== '') faults.suppressPongs = form.suppressPongs;
  const drops = [];
  for (const line of form.dropMessages
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')) {
    const parsed = parseDropText(line);
    if ('error' in parsed) return { error: `Drop messages "${line}": ${parsed.error}` };
    drops.push(parsed.value);
  }
  if (drops.length > 0) faults.dropMessages = drops;
  const perDirection = <T>(
    label: string,
    c2s: string,
    s2c: string,
    parse: (text: string) => ParsedText<T>,
  ): { value?: { c2s?: T; s2c?: T } } | { error: string } => {
    const out: { c2s?: T; s2c?: T } = {};
    for (const [dir, text] of [
      ['c2s', c2s],
      ['s2c', s2c],
    ] as const) {
      if (text.trim() === '') continue;
      const parsed = parse(text);
      if ('error' in parsed) return { error: `${label} ${dir === 'c2s' ? '↑' : '↓'}: ${parsed.error}` };
      out[dir] = parsed.value;
    }
    return Object.keys(out).length > 0 ? { value: out } : {};
  };
  const delay = perDirection('Delay', form.delayC2s, form.delayS2c, parseDelayText);
  if ('error' in delay) return delay;
  if (delay.value) faults.delay = delay.value;
  const bandwidth = perDirection('Bandwidth', form.bandwidthC2s, form.bandwidthS2c, parseRateText);
  if ('error' in bandwidth) return bandwidth;
  if (bandwidth.value) faults.bandwidth = bandwidth.value;
  if (form.closeAfter.trim() !== '') {
    const parsed = parseCloseAfterText(form.closeAfter);
    if ('error' in parsed) return { error: `Close after: ${parsed.error}` };
    const code = validateFaultCloseCode(String(parsed.value.code));
    if ('error' in code) return { error: `Close after: ${code.error}` };
    faults.closeAfter = parsed.value;
  }
  return { faults };
}

type Parsed = { value: number | undefined } | { error: string };

function parseSeconds(text: string, label: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { value: undefined };
  const seconds = Number(trimmed);
  if (!/^\d+(\.\d+)?$/.test(trimmed) || seconds < 0.1 || seconds * 1000 > DAY_MS) {
    return { error: `${label} must be from 0.1 s to 24 h, in seconds.` };
  }
  return { value: Math.round(seconds * 1000) };
}

function parsePercent(text: string, label: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { value: undefined };
  const percent = Number(trimmed);
  if (!/^\d+(\.\d+)?$/.test(trimmed) || percent > 100) return { error: `${label} must be 0–100 %.` };
  return { value: percent };
}

function parseStatus(text: string): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return { value: undefined };
  const status = Number(trimmed);
  if (!/^\d{3}$/.test(trimmed) || status < 400 || status > 599) {
    return { error: 'Reject status must be an HTTP status from 400 to 599.' };
  }
  return { value: status };
}

/** The `faults` of a startProxy request (undefined when none is set), or the first problem in words. */
export function proxyFaultsFromForm(
  form: ProxyFaultsForm,
): { faults: ProxyFaults | undefined } | { error: string } {
  const idle = parseSeconds(form.idleTimeoutSeconds, 'Idle timeout');
  const lifetime = parseSeconds(form.maxLifetimeSeconds, 'Max lifetime');
  const reject = parsePercent(form.rejectUpgradePercent, 'Reject upgrades');
  const status = parseStatus(form.rejectStatus);
  const drop = parsePercent(form.dropAfterUpgradePercent, 'Drop after upgrade');
  for (const parsed of [idle, lifetime, reject, status, drop]) if ('error' in parsed) return parsed;
  const value = (parsed: Parsed): number | undefined => ('value' in parsed ? parsed.value : undefined);

  const faults: ProxyFaults = {};
  const idleMs = value(idle);
  if (idleMs !== undefined) {
    faults.idleTimeoutMs = idleMs;
    faults.idleDrop = form.idleDrop;
  }
  const lifetimeMs = value(lifetime);
  if (lifetimeMs !== undefined) faults.maxLifetimeMs = lifetimeMs;
  const rejectPercent = value(reject);
  const rejectStatus = value(status);
  if (rejectStatus !== undefined && rejectPercent === undefined) {
    return { error: 'A reject status needs a reject upgrades percentage.' };
  }
  if (rejectPercent !== undefined) faults.rejectUpgradePercent = rejectPercent;
  if (rejectStatus !== undefined) faults.rejectStatus = rejectStatus;
  const dropPercent = value(drop);
  if (dropPercent !== undefined) faults.dropAfterUpgradePercent = dropPercent;
  if ((rejectPercent ?? 0) + (dropPercent ?? 0) > 100) {
    return { error: 'Reject upgrades + drop after upgrade must be at most 100 %.' };
  }
  const messageFaults = messageFaultsFromForm(form);
  if ('error' in messageFaults) return messageFaults;
  Object.assign(faults, messageFaults.faults);
  return { faults: Object.keys(faults).length > 0 ? faults : undefined };
}

const DIRECTIONS: Direction[] = ['c2s', 's2c'];
const ARROW: Record<Direction, string> = { c2s: '↑', s2c: '↓' };

/** E.g. "stalled ↑ · latency 300 ms ↓": what the relay does to this connection now, or '' when nothing. */
export function relayStatus(view: Pick<ConnectionView, 'relay'>): string {
  const parts: string[] = [];
  const stalled = DIRECTIONS.filter((dir) => view.relay[dir].stalled);
  if (stalled.length > 0) parts.push(`stalled ${stalled.map((dir) => ARROW[dir]).join(' ')}`);
  const { c2s, s2c } = view.relay;
  if (c2s.latencyMs > 0 && c2s.latencyMs === s2c.latencyMs) parts.push(`latency ${c2s.latencyMs} ms ↑ ↓`);
  else
    for (const dir of DIRECTIONS) {
      const ms = view.relay[dir].latencyMs;
      if (ms > 0) parts.push(`latency ${ms} ms ${ARROW[dir]}`);
    }
  return parts.join(' · ');
}
