export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

export interface JsonNode {
  /** JSON Pointer of the node (RFC 6901); '' is the root. */
  path: string;
  /** Property name or array index; null for the root. */
  key: string | null;
  kind: JsonKind;
  value: unknown;
  /** Number of children for objects and arrays, else 0. */
  size: number;
}

/** Children shown per node; the rest are summarised so a 100k-element array cannot flood the page. */
export const MAX_CHILDREN_SHOWN = 500;
/** Upper bound on nodes "expand all" opens. */
export const MAX_EXPANDED = 5000;

export function jsonKind(value: unknown): JsonKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'object'
    ? 'object'
    : type === 'string'
      ? 'string'
      : type === 'number'
        ? 'number'
        : 'boolean';
}

const escapeToken = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

export function jsonNode(value: unknown, path = '', key: string | null = null): JsonNode {
  const kind = jsonKind(value);
  const size =
    kind === 'array'
      ? (value as unknown[]).length
      : kind === 'object'
        ? Object.keys(value as object).length
        : 0;
  return { path, key, kind, value, size };
}

export const isContainer = (node: JsonNode): boolean => node.kind === 'object' || node.kind === 'array';

/** The first `limit` children of an object or array node, in document order. */
export function jsonChildren(node: JsonNode, limit = MAX_CHILDREN_SHOWN): JsonNode[] {
  if (node.kind === 'array') {
    return (node.value as unknown[])
      .slice(0, limit)
      .map((child, i) => jsonNode(child, `${node.path}/${i}`, String(i)));
  }
  if (node.kind === 'object') {
    const record = node.value as Record<string, unknown>;
    return Object.keys(record)
      .slice(0, limit)
      .map((key) => jsonNode(record[key], `${node.path}/${escapeToken(key)}`, key));
  }
  return [];
}

/** Paths of containers to expand: breadth first (shallow levels first), at most `limit`, down to `maxDepth`. */
export function containerPaths(root: JsonNode, maxDepth = Infinity, limit = MAX_EXPANDED): Set<string> {
  const paths = new Set<string>();
  let level: JsonNode[] = isContainer(root) ? [root] : [];
  for (let depth = 0; level.length > 0 && depth <= maxDepth; depth++) {
    const next: JsonNode[] = [];
    for (const node of level) {
      if (paths.size >= limit) return paths;
      paths.add(node.path);
      for (const child of jsonChildren(node)) if (isContainer(child)) next.push(child);
    }
    level = next;
  }
  return paths;
}

const MAX_SCALAR_CHARS = 2000;

/** A scalar as JSON source text (strings quoted), clipped for display. */
export function scalarText(node: JsonNode): string {
  const text = JSON.stringify(node.value) ?? String(node.value);
  return text.length > MAX_SCALAR_CHARS ? `${text.slice(0, MAX_SCALAR_CHARS)}…` : text;
}

/** One-line summary of a collapsed container, e.g. "{3 keys}" or "[10 items]". */
export function containerSummary(node: JsonNode): string {
  if (node.kind === 'array') return `[${node.size} ${node.size === 1 ? 'item' : 'items'}]`;
  return `{${node.size} ${node.size === 1 ? 'key' : 'keys'}}`;
}
