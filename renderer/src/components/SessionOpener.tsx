import { useEffect, useRef, useState } from 'react';
import { isHarFile } from '../../../shared/import/index.js';
import { canStreamFiles, fileTextStream } from '../session/file-text-stream.js';
import { canReadInWorker } from '../store/session-file-ingest.js';
import type { SessionStreamProgress } from '../store/session-stream-ingest.js';
import { useInspector } from '../ui/store-context.js';
import type { SessionOpenState } from './SessionOpenProgress.js';
import { SessionOpenProgress } from './SessionOpenProgress.js';

const PROGRESS_INTERVAL_MS = 100;

/** The first bytes of a file, enough to tell a HAR (`{"log":`) from a session file (`{"format":"wsi-session"`). */
const HEAD_BYTES = 256;

const hasFiles = (event: DragEvent): boolean => event.dataTransfer?.types.includes('Files') === true;

/**
 * Opens a session file or a HAR read-only, shown as its own group: from "Open session…" or dropped on the window.
 * A session file is read, validated and analysed by a worker that hands the page its records in batches of columns,
 * so the page stays responsive and files larger than a string can hold open too (without workers it is streamed and
 * parsed here); a HAR (one JSON document) and, without stream support, a session file go to the core's `openSession`
 * as text.
 */
export function SessionOpener() {
  const openSessionFile = useInspector((s) => s.openSessionFile);
  const openSessionStream = useInspector((s) => s.openSessionStream);
  const openSessionInWorker = useInspector((s) => s.openSessionInWorker);
  const input = useRef<HTMLInputElement>(null);
  const [opening, setOpening] = useState<SessionOpenState | null>(null);
  const abort = useRef<AbortController | null>(null);

  const openStreamed = async (file: File): Promise<void> => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    const progress: SessionOpenState = {
      name: file.name,
      totalBytes: file.size,
      bytesRead: 0,
      events: 0,
      analysing: false,
    };
    let shownAt = 0;
    const show = (force = false): void => {
      const now = performance.now();
      if (!force && now - shownAt < PROGRESS_INTERVAL_MS) return;
      shownAt = now;
      setOpening({ ...progress });
    };
    show(true);
    const streamOptions = {
      signal: controller.signal,
      onProgress: ({ events, bytesRead, analysing }: SessionStreamProgress) => {
        // The first records and the change to working out findings show at once, whatever the interval.
        const news = (progress.events === 0 && events > 0) || Boolean(analysing) !== progress.analysing;
        progress.events = events;
        progress.analysing = Boolean(analysing);
        if (bytesRead !== undefined) progress.bytesRead = bytesRead;
        show(news);
      },
    };
    if (canReadInWorker()) await openSessionInWorker(file, streamOptions);
    else {
      const chunks = fileTextStream(file, (bytes) => {
        progress.bytesRead = bytes;
      });
      await openSessionStream(file.name, chunks, streamOptions);
    }
    if (abort.current === controller) {
      abort.current = null;
      setOpening(null);
    }
  };

  const open = async (file: File): Promise<void> => {
    const head = await file.slice(0, HEAD_BYTES).text();
    if (isHarFile(file.name, head) || !canStreamFiles()) await openSessionFile(file.name, await file.text());
    else await openStreamed(file);
  };
  const openRef = useRef(open);
  useEffect(() => {
    openRef.current = open;
  });

  useEffect(() => {
    const over = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const drop = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (file) void openRef.current(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <>
      <button type="button" data-testid="open-session" onClick={() => input.current?.click()}>
        Open session…
      </button>
      {opening && <SessionOpenProgress state={opening} onCancel={() => abort.current?.abort()} />}
      <input
        ref={input}
        type="file"
        accept=".jsonl,.wsi,.json,.ndjson,.har,application/json,text/plain"
        className="visually-hidden"
        aria-label="Session file"
        data-testid="session-file-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void open(file);
        }}
      />
    </>
  );
}
