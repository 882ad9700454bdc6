import { useState } from 'react';
import { useInspector } from '../ui/store-context.js';
import { downloadBytes } from './payload/download.js';

/** Saves the live session as a session file (the JSON Lines the CLI writes and `wsi analyze` reads). */
export function SessionSaver() {
  const exportLiveSession = useInspector((s) => s.exportLiveSession);
  const hasLive = useInspector((s) => s.connectionOrder.some((key) => key.startsWith('live/')));
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    const file = await exportLiveSession();
    setBusy(false);
    if (file) downloadBytes(file.name, new TextEncoder().encode(file.text), 'application/x-ndjson');
  };

  return (
    <button type="button" data-testid="save-session" disabled={!hasLive || busy} onClick={() => void save()}>
      Save session…
    </button>
  );
}
