/**
 * Tiny runtime validators for payloads crossing a process or network boundary. A validator returns the value typed
 * when it conforms and throws a PayloadError naming the path otherwise.
 */
export class PayloadError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`invalid payload at ${path || '(root)'}: expected ${expected}`);
    this.name = 'PayloadError';
  }
}

export type Validator<T> = (value: unknown, path?: string) => T;
export type Validated<V> = V extends Validator<infer T> ? T : never;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export const str =
  (opts: { max?: number; min?: number } = {}): Validator<string> =>
  (v, path = '') => {
    if (typeof v !== 'string') throw new PayloadError(path, 'string');
    if (opts.max !== undefined && v.length > opts.max)
      throw new PayloadError(path, `string of at most ${opts.max}`);
    if (opts.min !== undefined && v.length < opts.min)
      throw new PayloadError(path, `string of at least ${opts.min}`);
    return v;
  };

export const int =
  (opts: { min?: number; max?: number } = {}): Validator<number> =>
  (v, path = '') => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new PayloadError(path, 'integer');
    if (opts.min !== undefined && v < opts.min) throw new PayloadError(path, `integer >= ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) throw new PayloadError(path, `integer <= ${opts.max}`);
    return v;
  };

export const num: Validator<number> = (v, path = '') => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new PayloadError(path, 'finite number');
  return v;
};

export const bool: Validator<boolean> = (v, path = '') => {
  if (typeof v !== 'boolean') throw new PayloadError(path, 'boolean');
  return v;
};

export const oneOf =
  <const L extends readonly (string | number)[]>(...values: L): Validator<L[number]> =>
  (v, path = '') => {
    if (!values.includes(v as L[number])) throw new PayloadError(path, `one of ${values.join(', ')}`);
    return v as L[number];
  };

export const arrayOf =
  <T>(item: Validator<T>, max = 10_000): Validator<T[]> =>
  (v, path = '') => {
    if (!Array.isArray(v)) throw new PayloadError(path, 'array');
    if (v.length > max) throw new PayloadError(path, `array of at most ${max}`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };

export const optional =
  <T>(inner: Validator<T>): Validator<T | undefined> =>
  (v, path) =>
    v === undefined ? undefined : inner(v, path);

type Shape = Record<string, Validator<unknown>>;
type ObjectOf<S extends Shape> = {
  [K in keyof S as undefined extends Validated<S[K]> ? never : K]: Validated<S[K]>;
} & {
  [K in keyof S as undefined extends Validated<S[K]> ? K : never]?: Validated<S[K]>;
};

/** An object with exactly these keys (unknown keys are rejected, so nothing unexpected reaches the core). */
export const obj =
  <S extends Shape>(shape: S): Validator<ObjectOf<S>> =>
  (v, path = '') => {
    if (!isRecord(v)) throw new PayloadError(path, 'object');
    for (const key of Object.keys(v)) {
      if (!(key in shape)) throw new PayloadError(path ? `${path}.${key}` : key, 'no such field');
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = check(v[key], path ? `${path}.${key}` : key);
      if (value !== undefined) out[key] = value;
    }
    return out as ObjectOf<S>;
  };

export const none: Validator<undefined> = (v, path = '') => {
  if (v !== undefined && v !== null) throw new PayloadError(path, 'no payload');
  return undefined;
};

/** Values that are produced by the core itself and only pass through (responses, pushed events). */
export const trusted =
  <T>(): Validator<T> =>
  (v) =>
    v as T;

/** A finite number within bounds (fractions allowed). */
export const numIn =
  (opts: { min?: number; max?: number }): Validator<number> =>
  (v, path = '') => {
    const n = num(v, path);
    if (opts.min !== undefined && n < opts.min) throw new PayloadError(path, `number >= ${opts.min}`);
    if (opts.max !== undefined && n > opts.max) throw new PayloadError(path, `number <= ${opts.max}`);
    return n;
  };

/** One of several object shapes, chosen by the string in `kind` (a discriminated union). */
export const byKind =
  <const M extends Record<string, Validator<object>>>(
    variants: M,
  ): Validator<{ [K in keyof M]: Validated<M[K]> & { kind: K } }[keyof M]> =>
  (v, path = '') => {
    if (!isRecord(v)) throw new PayloadError(path, 'object');
    const kind = v.kind;
    const variant = typeof kind === 'string' && Object.hasOwn(variants, kind) ? variants[kind] : undefined;
    if (!variant) {
      throw new PayloadError(path ? `${path}.kind` : 'kind', `one of ${Object.keys(variants).join(', ')}`);
    }
    return variant(v, path) as { [K in keyof M]: Validated<M[K]> & { kind: K } }[keyof M];
  };

/** A further check on a value that passed `inner`; `expected` says what was wanted, as in other errors. */
export const refine =
  <T>(inner: Validator<T>, check: (value: T) => string | undefined): Validator<T> =>
  (v, path = '') => {
    const value = inner(v, path);
    const problem = check(value);
    if (problem !== undefined) throw new PayloadError(path, problem);
    return value;
  };
