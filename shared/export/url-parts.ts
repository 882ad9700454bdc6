/** The parts of a ws:// / wss:// / http(s) URL the exporters need, parsed without the URL global (not in ES2022). */
export interface UrlParts {
  secure: boolean;
  host: string;
  port: number;
  /** Path with query, without the fragment. */
  pathAndQuery: string;
  query: string;
}

const URL_PATTERN = /^(wss?|https?):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]*)(?::(\d*))?([^#]*)/i;

export function parseUrlParts(url: string): UrlParts | undefined {
  const match = URL_PATTERN.exec(url);
  if (!match) return undefined;
  const scheme = (match[1] ?? '').toLowerCase();
  const secure = scheme === 'wss' || scheme === 'https';
  const portText = match[3];
  const port = portText ? Number(portText) : secure ? 443 : 80;
  const rest = match[4] ?? '';
  const pathAndQuery = rest.startsWith('/') ? rest : `/${rest}`;
  const q = pathAndQuery.indexOf('?');
  return {
    secure,
    host: match[2] ?? '',
    port: port > 0 && port < 65536 ? port : secure ? 443 : 80,
    pathAndQuery,
    query: q >= 0 ? pathAndQuery.slice(q + 1) : '',
  };
}

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

/** Query string pairs in order, decoded; duplicates kept. */
export function parseQuery(query: string): { name: string; value: string }[] {
  if (query === '') return [];
  return query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    return eq < 0
      ? { name: decode(pair), value: '' }
      : { name: decode(pair.slice(0, eq)), value: decode(pair.slice(eq + 1)) };
  });
}
