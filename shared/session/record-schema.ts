/**
 * The shape of every session-file record, field by field, as the views and analyzers use it. A record that does not
 * match is skipped with a problem naming the field ("frame.close.reason must be a string"), never handed to a view
 * that would throw on it. Extra fields are allowed (forward compatible).
 */
import type { CaptureEventType } from '../model/events.js';

export type Spec =
  | { k: 'string'; max?: number; base64?: boolean }
  | { k: 'number'; min?: number; max?: number; int?: boolean }
  | { k: 'boolean' }
  | { k: 'literal'; values: readonly (string | number | boolean)[] }
  | { k: 'array'; of: Spec }
  | { k: 'object'; fields: Record<string, Spec>; optional?: readonly string[] }
  | { k: 'map'; of: Spec }
  | { k: 'either'; of: readonly Spec[] }
  | { k: 'union'; tag: string; cases: Record<string, Spec> };

/** Wall clocks and session times stay inside what a Date can show (±8.64e15 ms) even when added together. */
export const MAX_TIME_MS = 4e15;

const str: Spec = { k: 'string' };
const bool: Spec = { k: 'boolean' };
const num = (min = -Number.MAX_VALUE, max = Number.MAX_VALUE): Spec => ({ k: 'number', min, max });
const int = (min = 0, max = Number.MAX_SAFE_INTEGER): Spec => ({ k: 'number', min, max, int: true });
const count: Spec = num(0);
const time: Spec = num(-MAX_TIME_MS, MAX_TIME_MS);
const base64: Spec = { k: 'string', base64: true };
const oneOf = (...values: (string | number | boolean)[]): Spec => ({ k: 'literal', values });
const arrayOf = (of: Spec): Spec => ({ k: 'array', of });
const obj = (fields: Record<string, Spec>, optional: string[] = []): Spec => ({
  k: 'object',
  fields,
  optional,
});

const dir = oneOf('c2s', 's2c');
const side = oneOf('client', 'server');
const leg = oneOf('direct', 'downstream', 'upstream');
const headers = arrayOf(obj({ name: str, value: str }));
const faultTarget = oneOf('client', 'server', 'both');
const faultDirection = oneOf('c2s', 's2c', 'both');

const tls = obj(
  {
    protocol: str,
    cipher: str,
    alpn: str,
    servername: str,
    authorized: bool,
    authorizationError: str,
    certificate: obj(
      { subject: str, issuer: str, validFrom: str, validTo: str, subjectAltName: str, fingerprint256: str },
      ['subjectAltName'],
    ),
  },
  ['alpn', 'authorizationError', 'certificate'],
);

const frame = obj(
  {
    seq: int(),
    dir,
    offset: count,
    fin: bool,
    rsv1: bool,
    rsv2: bool,
    rsv3: bool,
    opcode: int(0, 15),
    masked: bool,
    maskKey: str,
    lengthEncoding: oneOf(7, 16, 64),
    headerLength: int(2, 14),
    payloadLength: int(),
    data: base64,
    truncated: bool,
    ref: str,
    messageId: int(),
    close: obj({ code: int(0, 65_535), reason: str }, ['code', 'reason']),
    violations: arrayOf(str),
  },
  ['maskKey', 'ref', 'messageId', 'close', 'violations'],
);

const message = obj(
  {
    id: int(),
    dir,
    opcode: int(0, 15),
    frames: arrayOf(int()),
    wireSize: count,
    size: count,
    compressed: bool,
    data: base64,
    truncated: bool,
    ref: str,
    utf8Valid: bool,
  },
  ['ref', 'utf8Valid'],
);

const writtenFrame = obj(
  {
    opcode: int(0, 15),
    rsv1: bool,
    masked: bool,
    maskKey: str,
    headerLength: count,
    payloadLength: count,
    data: base64,
    truncated: bool,
  },
  ['maskKey'],
);

const fault: Spec = {
  k: 'union',
  tag: 'kind',
  cases: {
    fin: obj({ side: faultTarget }),
    rst: obj({ side: faultTarget }),
    close: obj({ side: faultTarget, code: int(0, 65_535), reason: str, afterMessages: count }, [
      'reason',
      'afterMessages',
    ]),
    stall: obj({ direction: faultDirection, ms: count }, ['ms']),
    resume: obj({ direction: faultDirection }),
    latency: obj({ direction: faultDirection, ms: count }),
    'idle-timeout': obj({ ms: count, drop: oneOf('fin', 'rst') }),
    'max-lifetime': obj({ ms: count }),
    'reject-upgrade': obj({ status: int(100, 999), percent: num(0, 100) }),
    'drop-after-upgrade': obj({ percent: num(0, 100) }),
    'downgrade-http10': obj({}),
    'strip-upgrade': obj({}),
    'suppress-pongs': obj({ direction: dir, bytes: count }),
    'drop-message': obj({ direction: dir, rule: str, opcode: int(0, 15), bytes: count }),
    delay: obj({ direction: faultDirection, ms: count, jitterMs: count }),
    bandwidth: obj({ direction: faultDirection, bytesPerSecond: count }),
    'inject-message': obj(
      { direction: dir, opcode: int(0, 15), bytes: count, code: int(0, 65_535), written: writtenFrame },
      ['code', 'written'],
    ),
    'hold-message': obj({
      id: str,
      direction: dir,
      opcode: int(0, 15),
      bytes: count,
      rule: str,
      preview: str,
    }),
    'release-message': obj(
      {
        id: str,
        direction: dir,
        outcome: oneOf('forward', 'edit', 'drop'),
        by: oneOf('user', 'timeout'),
        opcode: int(0, 15),
        bytes: count,
        preview: str,
        recompressed: bool,
        written: writtenFrame,
      },
      ['preview', 'recompressed', 'written'],
    ),
  },
};

/** Fields of each record type besides `type`, `conn` and `t`. */
export const RECORD_SPECS: Record<CaptureEventType, Spec> = {
  connection: obj(
    {
      mode: oneOf('client', 'proxy'),
      url: str,
      at: time,
      peer: str,
      target: str,
      options: obj({}),
      reconnectOf: str,
      attempt: int(),
      reconnectDelayMs: count,
    },
    ['peer', 'target', 'options', 'reconnectOf', 'attempt', 'reconnectDelayMs'],
  ),
  'http-request': obj({
    leg,
    head: obj({ method: str, target: str, httpVersion: str, headers, raw: str }),
  }),
  'http-response': obj(
    {
      leg,
      head: obj({ httpVersion: str, status: int(0, 999), statusText: str, headers, raw: str }),
      body: obj({ base64, size: count, truncated: bool }),
      accept: oneOf('ok', 'mismatch', 'missing', 'not-applicable'),
      timing: obj(
        {
          dnsMs: count,
          tcpConnectMs: count,
          tlsMs: count,
          requestSentMs: count,
          firstByteMs: count,
          headersCompleteMs: count,
        },
        ['dnsMs', 'tcpConnectMs', 'tlsMs', 'requestSentMs', 'firstByteMs', 'headersCompleteMs'],
      ),
      tls,
    },
    ['body', 'tls'],
  ),
  open: obj({
    protocol: str,
    extensions: arrayOf(
      obj({ name: str, params: { k: 'map', of: { k: 'either', of: [str, oneOf(true)] } } }),
    ),
  }),
  frame: obj({ frame }),
  message: obj({ message }),
  violation: obj({
    violation: obj(
      { code: str, closeCode: int(0, 65_535), message: str, dir, frameSeq: int(), offset: count },
      ['frameSeq', 'offset'],
    ),
  }),
  tcp: obj({ leg, kind: oneOf('connect', 'fin', 'rst'), side }),
  error: obj({ leg, code: str, message: str, side }, ['leg', 'side']),
  action: obj(
    { action: oneOf('send', 'ping', 'close', 'abort', 'fault', 'pong-timeout'), detail: str, fault },
    ['detail', 'fault'],
  ),
  dropped: obj({ dir, frames: count, bytes: count, reason: oneOf('memory') }, ['reason']),
  'capture-backpressure': obj({ dir, durationMs: count }),
  'capture-lag': obj({ maxLagMs: count, spilledBytes: count }),
  end: obj({}),
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'an array'
      : typeof value === 'object'
        ? 'an object'
        : (JSON.stringify(value) ?? typeof value);
const short = (text: string): string => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

function expected(spec: Spec): string {
  switch (spec.k) {
    case 'string':
      return spec.base64 ? 'base64 text' : 'a string';
    case 'number':
      return `${spec.int ? 'an integer' : 'a finite number'}${spec.min !== undefined && spec.min > -Number.MAX_VALUE ? ` from ${spec.min}` : ''}${spec.max !== undefined && spec.max < Number.MAX_VALUE ? ` to ${spec.max}` : ''}`;
    case 'boolean':
      return 'true or false';
    case 'literal':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'array':
      return 'an array';
    case 'object':
    case 'map':
    case 'union':
      return 'an object';
    case 'either':
      return spec.of.map(expected).join(' or ');
  }
}

/** Where a value sits in its record: built into text ("a.b[2]") only when a problem is reported. */
type Path = string | { parent: Path; key: string | number; dot?: boolean };

/** `a.b`, `a[2]`; a top-level field has no dot unless `dot` (map keys and union tags always take one). */
function pathText(path: Path): string {
  if (typeof path === 'string') return path;
  const parent = pathText(path.parent);
  if (typeof path.key === 'number') return `${parent}[${path.key}]`;
  return parent || path.dot ? `${parent}.${path.key}` : path.key;
}

const wrong = (value: unknown, spec: Spec, path: Path): string =>
  `field "${pathText(path)}" must be ${expected(spec)}, not ${short(describe(value))}`;

/** An object spec's fields as entries, made once per spec (checks run once per record of a large file). */
const fieldEntries = new WeakMap<object, [string, Spec][]>();
function entriesOf(fields: Record<string, Spec>): [string, Spec][] {
  let entries = fieldEntries.get(fields);
  if (!entries) fieldEntries.set(fields, (entries = Object.entries(fields)));
  return entries;
}

/** Where `value` departs from `spec`: "field "x.y" must be …, not …", or undefined when it matches. */
export function checkSpec(value: unknown, spec: Spec, path: Path): string | undefined {
  switch (spec.k) {
    case 'string':
      if (typeof value !== 'string') return wrong(value, spec, path);
      if (spec.base64 && (value.length % 4 !== 0 || !BASE64.test(value)))
        return `field "${pathText(path)}" is not valid base64`;
      return undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrong(value, spec, path);
      if (spec.int && !Number.isInteger(value)) return wrong(value, spec, path);
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
        return wrong(value, spec, path);
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : wrong(value, spec, path);
    case 'literal':
      return spec.values.includes(value as string) ? undefined : wrong(value, spec, path);
    case 'array': {
      if (!Array.isArray(value)) return wrong(value, spec, path);
      for (let i = 0; i < value.length; i++) {
        const problem = checkSpec(value[i], spec.of, { parent: path, key: i });
        if (problem) return problem;
      }
      return undefined;
    }
    case 'object': {
      if (!isObject(value)) return wrong(value, spec, path);
      for (const [field, fieldSpec] of entriesOf(spec.fields)) {
        const fieldValue = value[field];
        if (fieldValue === undefined && spec.optional?.includes(field)) continue;
        const problem = checkSpec(fieldValue, fieldSpec, { parent: path, key: field });
        if (problem) return problem;
      }
      return undefined;
    }
    case 'map': {
      if (!isObject(value)) return wrong(value, spec, path);
      for (const key in value) {
        const problem = checkSpec(value[key], spec.of, { parent: path, key, dot: true });
        if (problem) return problem;
      }
      return undefined;
    }
    case 'either':
      return spec.of.some((option) => checkSpec(value, option, path) === undefined)
        ? undefined
        : wrong(value, spec, path);
    case 'union': {
      if (!isObject(value)) return wrong(value, spec, path);
      const tag = value[spec.tag];
      const chosen =
        typeof tag === 'string' && Object.prototype.hasOwnProperty.call(spec.cases, tag)
          ? spec.cases[tag]
          : undefined;
      if (!chosen)
        return `field "${pathText({ parent: path, key: spec.tag, dot: true })}" must be one of ${Object.keys(
          spec.cases,
        )
          .map((c) => JSON.stringify(c))
          .join(', ')}, not ${short(describe(tag))}`;
      return checkSpec(value, chosen, path);
    }
  }
}
