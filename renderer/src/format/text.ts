/** One-line preview: control characters made visible and clipped, so a huge single-line payload stays cheap. */
export function previewText(text: string, max = 160): string {
  const head = text.length > max ? text.slice(0, max) : text;
  // eslint-disable-next-line no-control-regex
  const visible = head.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '⏎' : c === '\t' ? '⇥' : '·'));
  return text.length > max ? `${visible}…` : visible;
}

/** Pretty-printed JSON when the text parses as an object or array, else null. */
export function prettyJson(text: string): string | null {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return null;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}

/** Clip very long text for a <pre>, keeping the UI responsive. */
export function clipForDisplay(text: string, max = 256 * 1024): { text: string; clipped: number } {
  return text.length > max ? { text: text.slice(0, max), clipped: text.length - max } : { text, clipped: 0 };
}

/**
 * A count with thousands separators (1,234,567), as `toLocaleString('en')` gives but without Intl: its first use
 * loads locale data for ~70 ms, which the progress bar of a file being opened would otherwise add to the first rows.
 */
export function formatCount(n: number): string {
  const text = String(n);
  return Number.isInteger(n) ? text.replace(/\B(?=(\d{3})+$)/g, ',') : text;
}
