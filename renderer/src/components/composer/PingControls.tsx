import { useState } from 'react';
import { MAX_PING_PAYLOAD_BYTES, utf8Length } from '../../ui/close-code.js';

/** A ping with an optional UTF-8 payload (control frames carry at most 125 bytes). */
export function PingControls({
  enabled,
  onPing,
  onProblem,
}: {
  enabled: boolean;
  onPing: (payload: string | undefined) => Promise<unknown>;
  onProblem: (problem: string | null) => void;
}) {
  const [payload, setPayload] = useState('');
  const bytes = utf8Length(payload);
  const tooLong = bytes > MAX_PING_PAYLOAD_BYTES;
  const ping = async () => {
    if (tooLong)
      return onProblem(`A ping payload is at most ${MAX_PING_PAYLOAD_BYTES} bytes (this one is ${bytes}).`);
    onProblem(null);
    await onPing(payload === '' ? undefined : payload);
  };
  return (
    <span className="composer-ping" role="group" aria-label="Ping">
      <input
        type="text"
        aria-label="Ping payload"
        aria-invalid={tooLong}
        data-testid="ping-payload"
        className={tooLong ? 'ping-payload invalid' : 'ping-payload'}
        placeholder="ping payload"
        value={payload}
        onChange={(e) => setPayload(e.target.value)}
      />
      <button type="button" data-testid="ping-button" disabled={!enabled} onClick={() => void ping()}>
        Ping
      </button>
    </span>
  );
}
