import { useState } from 'react';
import type { FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { bytesToBase64, normaliseBase64, parseHex } from '../format/bytes.js';
import type { ConnectionView } from '../store/connection-view.js';
import { useInspector } from '../ui/store-context.js';

type Encoding = 'text' | 'hex' | 'base64';

/** Turns the composer's input into a send request, or explains why it cannot. */
export function encodeOutgoing(
  encoding: Encoding,
  input: string,
): { kind: 'text' | 'binary'; data: string } | { error: string } {
  if (encoding === 'text') return { kind: 'text', data: input };
  if (encoding === 'hex') {
    const bytes = parseHex(input);
    return bytes
      ? { kind: 'binary', data: bytesToBase64(bytes) }
      : { error: 'Not valid hex: use pairs like "01 ff a0".' };
  }
  const base64 = normaliseBase64(input);
  return base64 !== null ? { kind: 'binary', data: base64 } : { error: 'Not valid base64.' };
}

export function Composer({ view }: { view: ConnectionView }) {
  const { sendText, sendBinary, ping, closeConnection } = useInspector(
    useShallow((s) => ({
      sendText: s.sendText,
      sendBinary: s.sendBinary,
      ping: s.ping,
      closeConnection: s.closeConnection,
    })),
  );
  const [encoding, setEncoding] = useState<Encoding>('text');
  const [input, setInput] = useState('');
  const [closeCode, setCloseCode] = useState('1000');
  const [closeReason, setCloseReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const open = view.state === 'open';

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const out = encodeOutgoing(encoding, input);
    if ('error' in out) return setProblem(out.error);
    setProblem(null);
    await (out.kind === 'text' ? sendText(view.key, out.data) : sendBinary(view.key, out.data));
  };

  const close = async () => {
    const code = closeCode.trim() === '' ? undefined : Number(closeCode);
    if (code !== undefined && !(Number.isInteger(code) && code >= 1000 && code <= 4999)) {
      return setProblem('Close code must be an integer from 1000 to 4999.');
    }
    if (new TextEncoder().encode(closeReason).length > 123)
      return setProblem('The close reason is limited to 123 bytes.');
    setProblem(null);
    await closeConnection(view.key, code, closeReason);
  };

  return (
    <form className="composer" aria-label="Composer" onSubmit={(e) => void send(e)}>
      <textarea
        aria-label="Message to send"
        data-testid="composer-input"
        placeholder={
          encoding === 'text' ? 'Text message' : encoding === 'hex' ? 'Hex bytes, e.g. 01 ff a0' : 'Base64'
        }
        spellCheck={false}
        rows={2}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
        }}
      />
      <div className="composer-actions">
        <select
          aria-label="Payload encoding"
          data-testid="composer-encoding"
          value={encoding}
          onChange={(e) => setEncoding(e.target.value as Encoding)}
        >
          <option value="text">Text</option>
          <option value="hex">Binary (hex)</option>
          <option value="base64">Binary (base64)</option>
        </select>
        <button type="submit" className="primary" data-testid="send-button" disabled={!open}>
          Send
        </button>
        <button type="button" data-testid="ping-button" disabled={!open} onClick={() => void ping(view.key)}>
          Ping
        </button>
        <span className="composer-close">
          <input
            type="text"
            inputMode="numeric"
            aria-label="Close code"
            data-testid="close-code"
            className="close-code"
            value={closeCode}
            onChange={(e) => setCloseCode(e.target.value)}
          />
          <input
            type="text"
            aria-label="Close reason"
            data-testid="close-reason"
            placeholder="reason"
            value={closeReason}
            onChange={(e) => setCloseReason(e.target.value)}
          />
          <button
            type="button"
            data-testid="close-button"
            disabled={!open && view.state !== 'connecting'}
            onClick={() => void close()}
          >
            Close
          </button>
        </span>
      </div>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
