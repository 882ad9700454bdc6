import { useState } from 'react';
import { useInspector } from '../ui/store-context.js';

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves the live session as a session file (the JSON Lines the CLI writes and `wsi analyze` reads). */
export function SessionSaver() {
  const exportLiveSession = useInspector((s) => s.exportLiveSession);
  const hasLive = useInspector((s) => s.connectionOrder.some((key) => key.startsWith('live/')));
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    const file = await exportLiveSession();
    setBusy(false);
    if (file) download(file.name, file.text);
  };

  return (
    <button type="button" data-testid="save-session" disabled={!hasLive || busy} onClick={() => void save()}>
      Save session…
    </button>
  );
}
