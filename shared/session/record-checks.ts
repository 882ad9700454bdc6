/** Validation of one session-file line: the header and each record type's required fields. */
import type { CaptureEventType } from '../model/events.js';
import type { RedactionRuleCount, SessionHeader, UnknownFact } from '../model/session.js';
import { SESSION_FORMAT, SESSION_VERSION } from '../model/session.js';

import { checkSpec, MAX_TIME_MS, RECORD_SPECS } from './record-schema.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const isKnownType = (type: unknown): type is CaptureEventType =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(RECORD_SPECS, type);

const isTime = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_TIME_MS;

/** Reasons a value is not a usable record (the first bad field, named), or undefined when it is one. */
export function checkEvent(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (!isKnownType(value.type)) return `unknown record type ${JSON.stringify(value.type) ?? 'undefined'}`;
  if (typeof value.conn !== 'string' || value.conn === '') return 'field "conn" must be a non-empty string';
  if (!isTime(value.t)) return 'field "t" must be a finite number of ms (a session time)';
  const problem = checkSpec(value, RECORD_SPECS[value.type], '');
  return problem ? `${value.type} record: ${problem}` : undefined;
}

const UNKNOWN_FACTS: readonly UnknownFact[] = [
  'frames',
  'close',
  'tcp',
  'tls',
  'raw-heads',
  'accept',
  'messages',
];

/** The header's optional `imported` and `redaction` fields, kept when well-formed (dropped otherwise). */
function readProvenance(value: Json): Pick<SessionHeader, 'imported' | 'redaction'> {
  const out: Pick<SessionHeader, 'imported' | 'redaction'> = {};
  const imported = value.imported;
  if (isObject(imported) && imported.format === 'har' && Array.isArray(imported.unknown)) {
    out.imported = {
      format: 'har',
      creator: typeof imported.creator === 'string' ? imported.creator : 'unknown',
      unknown: imported.unknown.filter((u): u is UnknownFact => UNKNOWN_FACTS.includes(u as UnknownFact)),
      skippedEntries: typeof imported.skippedEntries === 'number' ? imported.skippedEntries : 0,
    };
  }
  const redaction = value.redaction;
  if (isObject(redaction) && Array.isArray(redaction.rules)) {
    out.redaction = {
      rules: redaction.rules.filter(
        (r): r is RedactionRuleCount =>
          isObject(r) && typeof r.rule === 'string' && typeof r.replaced === 'number',
      ),
    };
  }
  return out;
}

export function readHeader(value: unknown): { header?: SessionHeader; problem?: string } {
  if (!isObject(value)) return { problem: 'header is not a JSON object' };
  if (value.format !== SESSION_FORMAT) {
    return { problem: `header format is ${JSON.stringify(value.format)}, expected "${SESSION_FORMAT}"` };
  }
  if (typeof value.version !== 'number' || !Number.isFinite(value.version))
    return { problem: 'header has no numeric "version"' };
  const startedAt = isTime(value.startedAt) && value.startedAt >= 0 ? value.startedAt : 0;
  const producer = typeof value.producer === 'string' ? value.producer : 'unknown';
  const header: SessionHeader = {
    format: SESSION_FORMAT,
    version: value.version,
    startedAt,
    producer,
    ...readProvenance(value),
  };
  if (value.version > SESSION_VERSION) {
    return {
      header,
      problem: `version ${value.version} is newer than this reader (${SESSION_VERSION}); reading what is known`,
    };
  }
  if (startedAt === 0)
    return {
      header,
      problem:
        value.startedAt === undefined
          ? 'header has no numeric "startedAt"; wall times are unknown'
          : `header "startedAt" ${String(JSON.stringify(value.startedAt)).slice(0, 40)} is not a wall-clock time in ms; wall times are unknown`,
    };
  return { header };
}

export const parseJson = (text: string): { ok: true; value: unknown } | { ok: false; error: string } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
};
