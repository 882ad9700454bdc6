import { formatCount } from '../format/text.js';
import { formatSize } from '../format/bytes.js';

export interface SessionOpenState {
  name: string;
  totalBytes: number;
  bytesRead: number;
  events: number;
  /** Every record is in; the findings are being worked out. */
  analysing: boolean;
}

/**
 * Progress of a session file being opened: bytes read of the total, records so far, then that the findings are being
 * worked out, and a Cancel.
 */
export function SessionOpenProgress({ state, onCancel }: { state: SessionOpenState; onCancel: () => void }) {
  const { name, totalBytes, bytesRead, events, analysing } = state;
  return (
    <span className="session-open-progress" role="status" data-testid="session-progress">
      <span>Opening {name}:</span>
      <progress max={totalBytes || 1} value={bytesRead} aria-label="Bytes read" />
      <span data-testid="session-progress-text">
        {analysing
          ? `${formatCount(events)} records · analysing…`
          : `${formatSize(bytesRead)} / ${formatSize(totalBytes)} · ${formatCount(events)} records`}
      </span>
      <button type="button" data-testid="session-cancel" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
