import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { bytesToBase64, normaliseBase64, parseHex } from '../format/bytes.js';
import type { ConnectionView } from '../store/connection-view.js';
import { checkJson, prettyPrintJson } from '../ui/json-check.js';
import type { SavedKind } from '../ui/saved-messages.js';
import { useInspector } from '../ui/store-context.js';
import { CloseControls } from './composer/CloseControls.js';
import { JsonStatus } from './composer/JsonStatus.js';
import { PingControls } from './composer/PingControls.js';
import { SavedMessages } from './composer/SavedMessages.js';
import './composer/composer.css';

type Encoding = SavedKind | 'file';

const PLACEHOLDERS: Record<SavedKind, string> = {
  text: 'Text message',
  json: '{"type": "hello"}',
  hex: 'Hex bytes, e.g. 01 ff a0',
  base64: 'Base64',
};

/** Turns the composer's input into a send request, or explains why it cannot. */
export function encodeOutgoing(
  encoding: SavedKind,
  input: string,
): { kind: 'text' | 'binary'; data: string } | { error: string } {
  if (encoding === 'text') return { kind: 'text', data: input };
  if (encoding === 'json') {
    const check = checkJson(input);
    return check.ok ? { kind: 'text', data: input } : { error: `Not valid JSON: ${check.message}` };
  }
  if (encoding === 'hex') {
    const bytes = parseHex(input);
    return bytes
      ? { kind: 'binary', data: bytesToBase64(bytes) }
      : { error: 'Not valid hex: use pairs like "01 ff a0".' };
  }
  const base64 = normaliseBase64(input);
  return base64 !== null ? { kind: 'binary', data: base64 } : { error: 'Not valid base64.' };
}

interface PickedFile {
  name: string;
  size: number;
  base64: string;
}

async function readFileAsBase64(file: File): Promise<PickedFile> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  return { name: file.name, size: bytes.length, base64: bytesToBase64(bytes) };
}

function FilePicker({
  file,
  onFile,
}: {
  file: PickedFile | null;
  onFile: (file: PickedFile | null) => void;
}) {
  return (
    <span className="composer-file">
      <input
        type="file"
        aria-label="File to send as a binary message"
        data-testid="composer-file"
        onChange={(e) => {
          const chosen = e.target.files?.[0];
          if (!chosen) return onFile(null);
          void readFileAsBase64(chosen).then(onFile);
        }}
      />
      {file && (
        <span data-testid="composer-file-info">
          {file.name}: {file.size} bytes
        </span>
      )}
    </span>
  );
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
  const [file, setFile] = useState<PickedFile | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const jsonCheck = useMemo(() => (encoding === 'json' ? checkJson(input) : null), [encoding, input]);
  const open = view.state === 'open';

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (encoding === 'file') {
      if (!file) return setProblem('Choose a file first.');
      setProblem(null);
      return void (await sendBinary(view.key, file.base64));
    }
    const out = encodeOutgoing(encoding, input);
    if ('error' in out) return setProblem(out.error);
    setProblem(null);
    await (out.kind === 'text' ? sendText(view.key, out.data) : sendBinary(view.key, out.data));
  };

  return (
    <form className="composer" aria-label="Composer" onSubmit={(e) => void send(e)}>
      {encoding === 'file' ? (
        <FilePicker file={file} onFile={setFile} />
      ) : (
        <textarea
          aria-label="Message to send"
          data-testid="composer-input"
          placeholder={PLACEHOLDERS[encoding]}
          spellCheck={false}
          rows={encoding === 'json' ? 4 : 2}
          value={input}
          aria-invalid={jsonCheck ? !jsonCheck.ok && input.trim() !== '' : undefined}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
          }}
        />
      )}
      {jsonCheck && (
        <span className="composer-json">
          <JsonStatus check={jsonCheck} empty={input.trim() === ''} />
          <button
            type="button"
            data-testid="json-pretty"
            disabled={!jsonCheck.ok}
            onClick={() => jsonCheck.ok && setInput(prettyPrintJson(jsonCheck.value))}
          >
            Pretty-print
          </button>
        </span>
      )}
      <div className="composer-actions">
        <select
          aria-label="Payload encoding"
          data-testid="composer-encoding"
          value={encoding}
          onChange={(e) => setEncoding(e.target.value as Encoding)}
        >
          <option value="text">Text</option>
          <option value="json">JSON</option>
          <option value="hex">Binary (hex)</option>
          <option value="base64">Binary (base64)</option>
          <option value="file">Binary (file)</option>
        </select>
        <button type="submit" className="primary" data-testid="send-button" disabled={!open}>
          Send
        </button>
        <SavedMessages
          url={view.url}
          current={encoding === 'file' || input === '' ? null : { kind: encoding, payload: input }}
          onPick={(message) => {
            setEncoding(message.kind);
            setInput(message.payload);
          }}
        />
        <PingControls enabled={open} onPing={(payload) => ping(view.key, payload)} onProblem={setProblem} />
        <CloseControls
          enabled={open || view.state === 'connecting'}
          onClose={(code, reason) => closeConnection(view.key, code, reason)}
          onProblem={setProblem}
        />
      </div>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
