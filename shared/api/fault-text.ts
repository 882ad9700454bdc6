/**
 * The short text forms of the proxy's message-level faults, shared by `wsi proxy` flags, scenario files and the
 * app's start form: `[DIR:]RULE`, `MS[:JITTER]`, `BYTES_PER_S` (64k, 1m) and `N:CODE[:REASON]`. Each parser returns
 * the value or an error message (the caller adds where it came from).
 */
import { parseRuleText, type MessageRule } from '../protocol/message-rule.js';

export type TextDirection = 'c2s' | 's2c' | 'both';
export const TEXT_DIRECTIONS: readonly TextDirection[] = ['c2s', 's2c', 'both'];

export type Parsed<T> = { value: T } | { error: string };

/** "c2s:rest" → ['c2s', 'rest']; without a direction prefix → ['both', text]. */
export function splitDirection(text: string): [TextDirection, string] {
  const colon = text.indexOf(':');
  const head = colon < 0 ? text : text.slice(0, colon);
  const direction = TEXT_DIRECTIONS.find((d) => d === head);
  return direction ? [direction, text.slice(colon + 1)] : ['both', text];
}

const whole = (text: string, what: string): Parsed<number> =>
  /^\d+$/.test(text)
    ? { value: Number(text) }
    : { error: `${what} must be a whole number, got ${JSON.stringify(text)}` };

export function parseDropText(text: string): Parsed<{ direction: TextDirection; rule: MessageRule }> {
  const [direction, rest] = splitDirection(text.trim());
  const rule = parseRuleText(rest);
  return typeof rule === 'string' ? { error: rule } : { value: { direction, rule } };
}

export function parseDelayText(text: string): Parsed<{ ms: number; jitterMs?: number }> {
  const [ms = '', jitter, ...extra] = text.trim().split(':');
  if (extra.length > 0) return { error: `a delay is MS[:JITTER], got ${JSON.stringify(text)}` };
  const delay = whole(ms, 'MS');
  if ('error' in delay) return delay;
  if (jitter === undefined) return { value: { ms: delay.value } };
  const spread = whole(jitter, 'JITTER');
  return 'error' in spread ? spread : { value: { ms: delay.value, jitterMs: spread.value } };
}

/** "65536", "64k", "1m" bytes per second, at least 1. */
export function parseRateText(text: string): Parsed<number> {
  const match = /^(\d+)\s*([km])?$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase();
  const rate = match ? Number(match[1]) * (unit === 'm' ? 1024 * 1024 : unit === 'k' ? 1024 : 1) : NaN;
  if (!Number.isSafeInteger(rate) || rate < 1)
    return {
      error: `a bandwidth is a number of bytes per second (e.g. 65536, 64k, 1m), got ${JSON.stringify(text)}`,
    };
  return { value: rate };
}

export function parseCloseAfterText(
  text: string,
): Parsed<{ messages: number; code: number; reason?: string }> {
  const [count = '', code = '', ...reason] = text.trim().split(':');
  if (code === '') return { error: `close-after is N:CODE[:REASON], got ${JSON.stringify(text)}` };
  const messages = whole(count, 'N');
  if ('error' in messages) return messages;
  const closeCode = whole(code, 'CODE');
  if ('error' in closeCode) return closeCode;
  return {
    value: {
      messages: messages.value,
      code: closeCode.value,
      ...(reason.length > 0 ? { reason: reason.join(':') } : {}),
    },
  };
}
