import { useMemo, useState } from 'react';
import { bytesToBase64 } from '../../format/bytes.js';
import { pageBoundaries } from '../../ui/full-payload.js';
import { PayloadView } from '../PayloadView.js';

/** A full payload one 64 KiB page at a time, in the usual payload views. */
export function PagedPayload({ bytes, isText }: { bytes: Uint8Array; isText: boolean }) {
  const bounds = useMemo(() => pageBoundaries(bytes, isText), [bytes, isText]);
  const pages = bounds.length - 1;
  const [page, setPage] = useState(0);
  const start = bounds[page] ?? 0;
  const end = bounds[page + 1] ?? bytes.length;
  const pageBase64 = useMemo(() => bytesToBase64(bytes.subarray(start, end)), [bytes, start, end]);
  const go = (to: number) => setPage(Math.min(Math.max(to, 0), pages - 1));

  return (
    <div className="paged-payload">
      <div className="payload-pager" role="group" aria-label="Payload pages">
        <button
          type="button"
          className="small"
          disabled={page === 0}
          data-testid="payload-page-first"
          onClick={() => go(0)}
        >
          ⇤ First
        </button>
        <button
          type="button"
          className="small"
          disabled={page === 0}
          data-testid="payload-page-prev"
          onClick={() => go(page - 1)}
        >
          ← Previous
        </button>
        <button
          type="button"
          className="small"
          disabled={page >= pages - 1}
          data-testid="payload-page-next"
          onClick={() => go(page + 1)}
        >
          Next →
        </button>
        <button
          type="button"
          className="small"
          disabled={page >= pages - 1}
          data-testid="payload-page-last"
          onClick={() => go(pages - 1)}
        >
          Last ⇥
        </button>
        <span className="payload-page-status" data-testid="payload-page-status" aria-live="polite">
          Page {page + 1} of {pages} · bytes {start}–{Math.max(end - 1, start)}
        </span>
      </div>
      <PayloadView base64={pageBase64} isText={isText} truncated={false} size={end - start} />
    </div>
  );
}
