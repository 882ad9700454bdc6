import type { SessionReadResult } from '../model/session.js';
import { parseSession } from '../session/parse.js';
import { importHar, looksLikeHar } from './har.js';

export { importHar, looksLikeHar } from './har.js';
export type { HarImportResult } from './har.js';

/** True when a file should be read as a HAR: by its content, or by a `.har` name when the content is not JSON. */
export const isHarFile = (name: string, text: string): boolean =>
  looksLikeHar(text) || (/\.har$/i.test(name) && !/^\uFEFF?\s*\{\s*"format"\s*:/.test(text.slice(0, 64)));

/** A session file or a HAR, told apart by content: what the app and `wsi` open. */
export function readSessionText(
  name: string,
  text: string,
): SessionReadResult & { format: 'session' | 'har' } {
  if (isHarFile(name, text)) {
    const { session, problems } = importHar(text);
    return { session, problems, format: 'har' };
  }
  return { ...parseSession(text), format: 'session' };
}
