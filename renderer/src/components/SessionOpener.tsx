import { useRef, useState } from 'react';
import { canStreamFiles, fileTextStream } from '../session/file-text-stream.js';
import { useInspector } from '../ui/store-context.js';
import type { SessionOpenState } from './SessionOpenProgress.js';
import { SessionOpenProgress } from './SessionOpenProgress.js';

const PROGRESS_INTERVAL_MS = 100;

/**
 * Opens a session file read-only, shown as its own group. The file is streamed and parsed here in batches, so files
 * larger than a string can hold open too; without stream support its text goes to the core's `openSession`.
 */
export function SessionOpener() {
  const openSessionFile = useInspector((s) => s.openSessionFile);
  const openSessionStream = useInspector((s) => s.openSessionStream);
  const input = useRef<HTMLInputElement>(null);
  const [opening, setOpening] = useState<SessionOpenState | null>(null);
  const abort = useRef<AbortController | null>(null);

  const open = async (file: File): Promise<void> => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const progress: SessionOpenState = { name: file.name, totalBytes: file.size, bytesRead: 0, events: 0 };
    let shownAt = 0;
    const show = (force = false): void => {
      const now = performance.now();
      if (!force && now - shownAt < PROGRESS_INTERVAL_MS) return;
      shownAt = now;
      setOpening({ ...progress });
    };
    show(true);
    const chunks = fileTextStream(file, (bytes) => {
      progress.bytesRead = bytes;
    });
    await openSessionStream(file.name, chunks, {
      signal: controller.signal,
      onProgress: ({ events }) => {
        progress.events = events;
        show();
      },
    });
    if (abort.current === controller) {
      abort.current = null;
      setOpening(null);
    }
  };

  return (
    <>
      <button type="button" data-testid="open-session" onClick={() => input.current?.click()}>
        Open session…
      </button>
      {opening && <SessionOpenProgress state={opening} onCancel={() => abort.current?.abort()} />}
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
          if (!file) return;
          if (canStreamFiles()) void open(file);
          else void file.text().then((content) => openSessionFile(file.name, content));
        }}
      />
    </>
  );
}
