/** How much of each row's payload a search looks at: bounds the cost of a pathological regex per row. */
export const SEARCH_CAP_CHARS = 16 * 1024;

export type SearchMode = 'text' | 'regex';

export type CompiledSearch = { ok: true; test: (haystack: string) => boolean } | { ok: false; error: string };

const MAX_PATTERN_LENGTH = 512;

// A quantified group that itself ends in a quantifier, e.g. (a+)+ or (x*y*)*: the classic catastrophic backtracking shape.
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}]\)(?:[+*]|\{\d+,\d*\})/;

/**
 * Compiles what the user typed into a case-insensitive matcher. Never throws: an invalid or risky regex comes back as
 * an error to show next to the input. Haystacks are clipped to SEARCH_CAP_CHARS by the caller.
 */
export function compileSearch(pattern: string, mode: SearchMode): CompiledSearch {
  if (mode === 'text') {
    const needle = pattern.toLowerCase();
    return { ok: true, test: (haystack) => haystack.toLowerCase().includes(needle) };
  }
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, error: `The pattern is longer than ${MAX_PATTERN_LENGTH} characters.` };
  }
  if (NESTED_QUANTIFIER.test(pattern)) {
    return { ok: false, error: 'Nested quantifiers like (a+)+ can take forever; simplify the pattern.' };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'iu');
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  return { ok: true, test: (haystack) => regex.test(haystack) };
}
