/** Reading untrusted HAR JSON: typed accessors that never throw and say what was wrong. */

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export const obj = (v: unknown): Json => (isObject(v) ? v : {});

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** `name`/`value` pairs (HAR headers), keeping only well-formed ones; `bad` counts the rest. */
export function nameValues(v: unknown): { pairs: { name: string; value: string }[]; bad: number } {
  const pairs: { name: string; value: string }[] = [];
  let bad = 0;
  for (const item of arr(v)) {
    if (isObject(item) && typeof item.name === 'string' && typeof item.value === 'string')
      pairs.push({ name: item.name, value: item.value });
    else bad++;
  }
  return { pairs, bad };
}

/** JSON.parse with its error message instead of an exception. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
