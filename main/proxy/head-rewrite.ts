/**
 * Builds the request head sent upstream from the head the client sent, editing single lines in place so that
 * everything else (order, case, spacing, line endings, duplicates) stays byte-for-byte identical.
 */

export interface RequestRewrite {
  /** New request target for the request line (e.g. origin-form instead of absolute-form). */
  target?: string;
  /** New Host header value (the header keeps its position and name case). Added last if the client sent none. */
  host?: string;
  /** Header names (lower case) to drop entirely. */
  drop?: readonly string[];
  /** Header lines added at the end of the head. */
  append?: readonly string[];
  /** New HTTP version for the request line, e.g. "1.0". */
  version?: string;
  /** A header's new value (the line keeps its name and position), null to drop it, undefined to keep it. */
  editValue?: (lowerName: string, value: string) => string | null | undefined;
}

/** Splits a head into lines, each keeping its own terminator ("\r\n" or "\n"). */
function splitKeepingEndings(raw: string): string[] {
  return raw.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function ending(line: string): string {
  return line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : '';
}

export function rewriteRequestHead(raw: string, rewrite: RequestRewrite): string {
  const lines = splitKeepingEndings(raw);
  const drop = new Set(rewrite.drop ?? []);
  const out: string[] = [];
  let hostSeen = false;
  lines.forEach((line, index) => {
    const eol = ending(line);
    const body = line.slice(0, line.length - eol.length);
    if (index === 0) {
      if (rewrite.target === undefined && rewrite.version === undefined) return void out.push(line);
      const parts = body.split(' ');
      if (parts.length === 3 && rewrite.target !== undefined) parts[1] = rewrite.target;
      if (parts.length === 3 && rewrite.version !== undefined) parts[2] = `HTTP/${rewrite.version}`;
      return void out.push(parts.join(' ') + eol);
    }
    if (body === '') {
      if (rewrite.host !== undefined && !hostSeen) out.push(`Host: ${rewrite.host}${eol}`);
      for (const extra of rewrite.append ?? []) out.push(extra + eol);
      return void out.push(line);
    }
    const colon = body.indexOf(':');
    const name = colon > 0 ? body.slice(0, colon) : '';
    const lower = name.toLowerCase();
    if (drop.has(lower)) return;
    const edited = rewrite.editValue?.(lower, body.slice(colon + 1).trim());
    if (edited === null) return;
    if (edited !== undefined) return void out.push(`${name}: ${edited}${eol}`);
    if (lower === 'host' && rewrite.host !== undefined) {
      hostSeen = true;
      const spacing = /^:\s*/.exec(body.slice(colon))?.[0] ?? ': ';
      return void out.push(`${name}${spacing}${rewrite.host}${eol}`);
    }
    out.push(line);
  });
  return out.join('');
}

/**
 * The request target sent upstream in reverse mode. A target URL with a path other than "/" is a prefix: the
 * client's "/" maps to the target path itself, anything else is appended to it.
 */
export function reverseTarget(clientTarget: string, target: URL): string {
  const prefix = target.pathname === '/' ? '' : target.pathname.replace(/\/$/, '');
  if (prefix === '') return clientTarget;
  if (clientTarget === '/') return target.pathname + target.search;
  return clientTarget.startsWith('/') ? prefix + clientTarget : clientTarget;
}
