import { useState } from 'react';
import type { ConnectionFault } from '../../../../shared/api/contract.js';
import type { FaultDirection } from '../../../../shared/model/fault.js';
import { parseLatencyMs } from '../../ui/fault-form.js';

/** Delay every later chunk by this many ms in the chosen direction (0 removes it). */
export function LatencyFaultForm({
  direction,
  onInject,
}: {
  direction: FaultDirection;
  onInject: (fault: ConnectionFault) => Promise<void>;
}) {
  const [msText, setMsText] = useState('500');
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async () => {
    const parsed = parseLatencyMs(msText);
    setProblem('error' in parsed ? parsed.error : null);
    if ('error' in parsed) return;
    await onInject({ kind: 'latency', direction, ms: parsed.ms });
  };

  return (
    <form
      className="fault-form"
      aria-label="Latency"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Delay each chunk by
        <input
          type="text"
          inputMode="numeric"
          aria-label="Latency in ms"
          data-testid="fault-latency-ms"
          className="latency-ms"
          value={msText}
          onChange={(e) => setMsText(e.target.value)}
        />
        ms <span className="hint">(0 removes it)</span>
      </label>
      <button type="submit" className="small" data-testid="fault-latency-apply">
        Apply latency
      </button>
      {problem && (
        <span className="form-problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
