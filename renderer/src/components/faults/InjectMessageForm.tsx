import { useState } from 'react';
import type { InjectMessageRequest } from '../../../../shared/api/contract.js';
import { injectRequestFromForm, type InjectForm, type InjectKind } from '../../ui/inject-form.js';

const KINDS: { kind: InjectKind; label: string }[] = [
  { kind: 'text', label: 'Text' },
  { kind: 'json', label: 'JSON' },
  { kind: 'binary', label: 'Binary (hex)' },
  { kind: 'ping', label: 'Ping' },
  { kind: 'pong', label: 'Pong' },
  { kind: 'close', label: 'Close' },
];

/** A message of the inspector's own, written into either direction of the open proxied connection. */
export function InjectMessageForm({
  onInject,
}: {
  onInject: (request: Omit<InjectMessageRequest, 'conn'>) => Promise<boolean>;
}) {
  const [form, setForm] = useState<InjectForm>({
    direction: 's2c',
    kind: 'text',
    data: '',
    code: '1000',
    reason: '',
  });
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (): Promise<void> => {
    const built = injectRequestFromForm(form);
    if ('error' in built) return setProblem(built.error);
    setProblem(null);
    if (await onInject(built.request)) setForm({ ...form, data: '' });
  };

  return (
    <form
      className="fault-form inject-form"
      aria-label="Inject message"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <select
        aria-label="Inject towards"
        data-testid="inject-direction"
        value={form.direction}
        onChange={(e) => setForm({ ...form, direction: e.target.value as InjectForm['direction'] })}
      >
        <option value="s2c">↓ to the client</option>
        <option value="c2s">↑ to the server</option>
      </select>
      <select
        aria-label="Message kind"
        data-testid="inject-kind"
        value={form.kind}
        onChange={(e) => setForm({ ...form, kind: e.target.value as InjectKind })}
      >
        {KINDS.map(({ kind, label }) => (
          <option key={kind} value={kind}>
            {label}
          </option>
        ))}
      </select>
      {form.kind === 'close' ? (
        <>
          <input
            aria-label="Close code"
            data-testid="inject-code"
            className="close-code"
            value={form.code}
            onChange={(e) => setForm({ ...form, code: e.target.value })}
          />
          <input
            aria-label="Close reason"
            data-testid="inject-reason"
            placeholder="reason"
            value={form.reason}
            onChange={(e) => setForm({ ...form, reason: e.target.value })}
          />
        </>
      ) : (
        <textarea
          aria-label="Message"
          data-testid="inject-data"
          rows={1}
          value={form.data}
          onChange={(e) => setForm({ ...form, data: e.target.value })}
        />
      )}
      <button type="submit" className="small" data-testid="inject-send">
        Inject
      </button>
      {problem && (
        <span className="form-problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}
