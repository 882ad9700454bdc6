import { useRef } from 'react';
import { useInspector } from '../ui/store-context.js';

/** Opens a session file read-only: the file's text goes to the core's `openSession`, the result is shown as its own group. */
export function SessionOpener() {
  const openSessionFile = useInspector((s) => s.openSessionFile);
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" data-testid="open-session" onClick={() => input.current?.click()}>
        Open session…
      </button>
      <input
        ref={input}
        type="file"
        accept=".jsonl,.wsi,.json,.ndjson,application/json,text/plain"
        className="visually-hidden"
        aria-label="Session file"
        data-testid="session-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void file.text().then((content) => openSessionFile(file.name, content));
        }}
      />
    </>
  );
}
