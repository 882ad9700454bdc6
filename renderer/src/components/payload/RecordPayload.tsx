import { useMemo, useState } from 'react';
import { SLIM_PREVIEW_BYTES } from '../../../../shared/model/frame.js';
import { base64ToBytes, formatSize } from '../../format/bytes.js';
import type { PayloadOwner } from '../../ui/full-payload.js';
import { payloadFileName, truncationNotice } from '../../ui/full-payload.js';
import { useInspector } from '../../ui/store-context.js';
import { PayloadView } from '../PayloadView.js';
import { downloadBytes } from './download.js';
import { PagedPayload } from './PagedPayload.js';
import './record-payload.css';

interface RecordPayloadProps {
  base64: string;
  isText: boolean;
  truncated: boolean;
  size: number;
  /** The record's `ref` to its full payload in the live session. */
  payloadRef: string | undefined;
  owner: PayloadOwner;
}

/** Why there is no "Load full payload": the bytes beyond the preview were never kept where we can reach them. */
function NotKept({ readOnly, slim }: { readOnly: boolean; slim: boolean }) {
  return (
    <p className="payload-not-kept" data-testid="payload-not-kept">
      {readOnly
        ? 'The full payload was not kept: this session file holds previews only (it was saved without full payloads).'
        : slim
          ? `The full payload was not kept: previews are cut to ${SLIM_PREVIEW_BYTES} bytes while a connection carries more than the preview rate (32 MiB/s by default) or the session is at its memory budget.`
          : 'The full payload was not kept: it is over the per-payload limit (16 MiB by default).'}
    </p>
  );
}

/** A truncated record's preview, its size, and (when the live session kept it) the full payload to load or save. */
function TruncatedPayload({ base64, isText, size, payloadRef, owner }: RecordPayloadProps) {
  const key = useInspector((s) => s.selected);
  const view = useInspector((s) => (key ? s.connections[key] : undefined));
  const loadPayload = useInspector((s) => s.loadPayload);
  const [full, setFull] = useState<Uint8Array | null>(null);
  const [busy, setBusy] = useState(false);
  const capturedBytes = useMemo(() => base64ToBytes(base64).length, [base64]);
  const readOnly = view?.readOnly ?? true;
  const fetchable = key !== null && view !== undefined && !readOnly && payloadRef !== undefined;

  const fetchFull = async (): Promise<Uint8Array | null> => {
    if (full) return full;
    if (!fetchable) return null;
    setBusy(true);
    const bytes = await loadPayload(key, payloadRef);
    setBusy(false);
    if (bytes) setFull(bytes);
    return bytes;
  };
  const save = async () => {
    const bytes = await fetchFull();
    if (bytes && view) {
      const type = isText ? 'text/plain;charset=utf-8' : 'application/octet-stream';
      downloadBytes(payloadFileName(view.conn, owner, isText), bytes, type);
    }
  };

  return (
    <div className="record-payload">
      <div className="truncation" role="group" aria-label="Full payload">
        <span className="truncation-notice" data-testid="truncation-notice">
          {full
            ? `Full payload: ${formatSize(full.length)} (${full.length} bytes)`
            : truncationNotice(capturedBytes, size)}
        </span>
        {fetchable && !full && (
          <button
            type="button"
            className="small"
            disabled={busy}
            data-testid="payload-load-full"
            onClick={() => void fetchFull()}
          >
            {busy ? 'Loading…' : 'Load full payload'}
          </button>
        )}
        {fetchable && (
          <button
            type="button"
            className="small"
            disabled={busy}
            data-testid="payload-save"
            onClick={() => void save()}
          >
            Save payload…
          </button>
        )}
      </div>
      {!fetchable && <NotKept readOnly={readOnly} slim={capturedBytes === SLIM_PREVIEW_BYTES} />}
      {full ? (
        <PagedPayload bytes={full} isText={isText} />
      ) : (
        <PayloadView base64={base64} isText={isText} truncated size={size} />
      )}
    </div>
  );
}

/** The payload pane of a frame or message: the record's bytes, or for a truncated one, its full-payload options. */
export function RecordPayload(props: RecordPayloadProps) {
  if (!props.truncated) {
    return <PayloadView base64={props.base64} isText={props.isText} truncated={false} size={props.size} />;
  }
  return <TruncatedPayload {...props} />;
}
