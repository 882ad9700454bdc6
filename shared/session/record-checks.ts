/** Validation of one session-file line: the header and each record type's required fields. */
import type { CaptureEventType } from '../model/events.js';
import type { RedactionRuleCount, SessionHeader, UnknownFact } from '../model/session.js';
import { SESSION_FORMAT, SESSION_VERSION } from '../model/session.js';

type Json = Record<string, unknown>;
type FieldCheck = (record: Json) => string | undefined;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const has =
  (field: string, kind: 'string' | 'number' | 'object' | 'boolean'): FieldCheck =>
  (record) => {
    const value = record[field];
    const ok = kind === 'object' ? isObject(value) : typeof value === kind;
    return ok ? undefined : `field "${field}" must be ${kind === 'object' ? 'an object' : `a ${kind}`}`;
  };

/** An optional object field: absent, or an object whose own fields pass `checks` (named "field.sub"). */
const optionalObject =
  (field: string, checks: FieldCheck[]): FieldCheck =>
  (record) => {
    const value = record[field];
    if (value === undefined) return undefined;
    if (!isObject(value)) return `field "${field}" must be an object`;
    for (const check of checks) {
      const problem = check(value);
      if (problem) return problem.replace('field "', `field "${field}.`);
    }
    return undefined;
  };

const tlsChecks: FieldCheck[] = [
  has('protocol', 'string'),
  has('cipher', 'string'),
  has('servername', 'string'),
  has('authorized', 'boolean'),
  optionalObject('certificate', [
    has('subject', 'string'),
    has('issuer', 'string'),
    has('validFrom', 'string'),
    has('validTo', 'string'),
    has('fingerprint256', 'string'),
  ]),
];

/** The fields a reader relies on, per record type. Extra fields are allowed (forward compatible). */
const requiredFields: Record<CaptureEventType, FieldCheck[]> = {
  connection: [has('mode', 'string'), has('url', 'string'), has('at', 'number')],
  'http-request': [has('leg', 'string'), has('head', 'object')],
  'http-response': [
    has('leg', 'string'),
    has('head', 'object'),
    has('accept', 'string'),
    has('timing', 'object'),
    optionalObject('tls', tlsChecks),
  ],
  open: [has('protocol', 'string')],
  frame: [has('frame', 'object')],
  message: [has('message', 'object')],
  violation: [has('violation', 'object')],
  tcp: [has('leg', 'string'), has('kind', 'string'), has('side', 'string')],
  error: [has('code', 'string'), has('message', 'string')],
  action: [has('action', 'string')],
  dropped: [has('dir', 'string'), has('frames', 'number'), has('bytes', 'number')],
  end: [],
};

const isKnownType = (type: unknown): type is CaptureEventType =>
  typeof type === 'string' && Object.prototype.hasOwnProperty.call(requiredFields, type);

/** Reasons a value is not a usable record, or undefined when it is one. */
export function checkEvent(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (!isKnownType(value.type)) return `unknown record type ${JSON.stringify(value.type)}`;
  if (typeof value.conn !== 'string' || value.conn === '') return 'field "conn" must be a non-empty string';
  if (typeof value.t !== 'number' || !Number.isFinite(value.t)) return 'field "t" must be a finite number';
  for (const check of requiredFields[value.type]) {
    const problem = check(value);
    if (problem) return `${value.type} record: ${problem}`;
  }
  return undefined;
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
  if (typeof value.version !== 'number') return { problem: 'header has no numeric "version"' };
  const startedAt =
    typeof value.startedAt === 'number' && Number.isFinite(value.startedAt) ? value.startedAt : 0;
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
    return { header, problem: 'header has no numeric "startedAt"; wall times are unknown' };
  return { header };
}

export const parseJson = (text: string): { ok: true; value: unknown } | { ok: false; error: string } => {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
};
