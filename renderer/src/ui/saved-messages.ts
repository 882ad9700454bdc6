export type SavedKind = 'text' | 'json' | 'hex' | 'base64';

export interface SavedMessage {
  name: string;
  kind: SavedKind;
  payload: string;
}

export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const PREFIX = 'wsi.saved-messages:';
const KINDS: readonly SavedKind[] = ['text', 'json', 'hex', 'base64'];

/** Saved messages belong to an endpoint: scheme, host, port and path; the query (often a token) is left out. */
export function endpointKey(url: string): string {
  try {
    const parsed = new URL(url);
    return `${PREFIX}${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return `${PREFIX}${url}`;
  }
}

const isSavedMessage = (value: unknown): value is SavedMessage => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.name === 'string' &&
    typeof entry.payload === 'string' &&
    KINDS.includes(entry.kind as SavedKind)
  );
};

/** Saved messages for the endpoint, ignoring anything malformed in storage. */
export function loadSavedMessages(storage: KeyValueStorage, url: string): SavedMessage[] {
  try {
    const parsed = JSON.parse(storage.getItem(endpointKey(url)) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter(isSavedMessage) : [];
  } catch {
    return [];
  }
}

function store(storage: KeyValueStorage, url: string, messages: SavedMessage[]): SavedMessage[] {
  if (messages.length === 0) storage.removeItem(endpointKey(url));
  else storage.setItem(endpointKey(url), JSON.stringify(messages));
  return messages;
}

/** Saves (or replaces, by name) a message; returns the new list, sorted by name. */
export function saveMessage(storage: KeyValueStorage, url: string, message: SavedMessage): SavedMessage[] {
  const others = loadSavedMessages(storage, url).filter((m) => m.name !== message.name);
  return store(
    storage,
    url,
    [...others, message].sort((a, b) => a.name.localeCompare(b.name)),
  );
}

export function deleteSavedMessage(storage: KeyValueStorage, url: string, name: string): SavedMessage[] {
  return store(
    storage,
    url,
    loadSavedMessages(storage, url).filter((m) => m.name !== name),
  );
}
