import { useState } from 'react';
import type { ConnectionFault } from '../../../../shared/api/contract.js';
import type { FaultTarget } from '../../../../shared/model/fault.js';
import { MAX_CLOSE_REASON_BYTES, utf8Length, validateCloseReason } from '../../ui/close-code.js';
import { validateFaultCloseCode } from '../../ui/fault-form.js';

/** Code and reason of the close frame the proxy writes (validated before it is sent). */
export function CloseFaultForm({
  side,
  onInject,
}: {
  side: FaultTarget;
  onInject: (fault: ConnectionFault) => Promise<void>;
}) {
  const [codeText, setCodeText] = useState('1001');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const codeCheck = validateFaultCloseCode(codeText);
  const reasonError = validateCloseReason(reason);

  const submit = async () => {
    const found = 'error' in codeCheck ? codeCheck.error : reasonError;
    setProblem(found);
    if (found || 'error' in codeCheck) return;
    await onInject(
      reason
        ? { kind: 'close', side, code: codeCheck.code, reason }
        : { kind: 'close', side, code: codeCheck.code },
    );
  };

  return (
    <form
      className="fault-form"
      aria-label="Close with code"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <input
        type="text"
        inputMode="numeric"
        aria-label="Fault close code"
        aria-invalid={'error' in codeCheck}
        title="1000–1003, 1007–1014 or 3000–4999"
        data-testid="fault-close-code"
        className="close-code"
        value={codeText}
        onChange={(e) => setCodeText(e.target.value)}
      />
      <input
        type="text"
        aria-label="Fault close reason"
        aria-invalid={reasonError !== null}
        data-testid="fault-close-reason"
        placeholder="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <span className={reasonError ? 'byte-count over' : 'byte-count'} title="UTF-8 bytes of the reason">
        {utf8Length(reason)}/{MAX_CLOSE_REASON_BYTES} B
      </span>
      <button type="submit" className="small" data-testid="fault-close-send">
        Send close
      </button>
      {problem && (
        <span className="form-problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
