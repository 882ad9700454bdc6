import { useState } from 'react';
import {
  MAX_CLOSE_REASON_BYTES,
  utf8Length,
  validateCloseCode,
  validateCloseReason,
} from '../../ui/close-code.js';

/** Close code (validated as sendable) and reason (counted in UTF-8 bytes). */
export function CloseControls({
  enabled,
  onClose,
  onProblem,
}: {
  enabled: boolean;
  onClose: (code: number | undefined, reason: string) => Promise<unknown>;
  onProblem: (problem: string | null) => void;
}) {
  const [codeText, setCodeText] = useState('1000');
  const [reason, setReason] = useState('');
  const reasonBytes = utf8Length(reason);
  const codeCheck = validateCloseCode(codeText);
  const codeError = 'error' in codeCheck ? codeCheck.error : null;
  const reasonError = validateCloseReason(reason);

  const close = async () => {
    const problem = codeError ?? reasonError;
    onProblem(problem);
    if (problem || 'error' in codeCheck) return;
    await onClose(codeCheck.code, reason);
  };

  return (
    <span className="composer-close" role="group" aria-label="Close the connection">
      <input
        type="text"
        inputMode="numeric"
        aria-label="Close code"
        aria-invalid={codeError !== null}
        title={codeError ?? '1000–4999, except 1004–1006 and 1015'}
        data-testid="close-code"
        className={codeError ? 'close-code invalid' : 'close-code'}
        value={codeText}
        onChange={(e) => setCodeText(e.target.value)}
      />
      <input
        type="text"
        aria-label="Close reason"
        aria-invalid={reasonError !== null}
        data-testid="close-reason"
        className={reasonError ? 'invalid' : undefined}
        placeholder="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <span
        className={reasonError ? 'byte-count over' : 'byte-count'}
        data-testid="close-reason-bytes"
        title="UTF-8 bytes of the reason"
      >
        {reasonBytes}/{MAX_CLOSE_REASON_BYTES} B
      </span>
      <button type="button" data-testid="close-button" disabled={!enabled} onClick={() => void close()}>
        Close
      </button>
    </span>
  );
}
