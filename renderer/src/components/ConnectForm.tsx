import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ConnectRequest, HttpHeader } from '../../../shared/api/contract.js';
import { useInspector } from '../ui/store-context.js';

/** "Name: value" lines to headers; returns the first bad line instead when one has no colon or no name. */
export function parseHeaderLines(text: string): { headers: HttpHeader[] } | { error: string } {
  const headers: HttpHeader[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name) return { error: `Header line needs "Name: value": ${line}` };
    headers.push({ name, value: line.slice(colon + 1).trim() });
  }
  return { headers };
}

export function ConnectForm() {
  const connect = useInspector((s) => s.connect);
  const [url, setUrl] = useState('');
  const [headerText, setHeaderText] = useState('');
  const [protocols, setProtocols] = useState('');
  const [insecure, setInsecure] = useState(false);
  const [pingSeconds, setPingSeconds] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = url.trim();
    if (!/^wss?:\/\//i.test(trimmed)) return setProblem('The URL must start with ws:// or wss://');
    const parsed = parseHeaderLines(headerText);
    if ('error' in parsed) return setProblem(parsed.error);
    const request: ConnectRequest = { url: trimmed };
    if (parsed.headers.length) request.headers = parsed.headers;
    const list = protocols
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (list.length) request.protocols = list;
    if (insecure) request.insecure = true;
    if (pingSeconds.trim()) {
      const ms = Math.round(Number(pingSeconds) * 1000);
      if (!Number.isFinite(ms) || ms < 10)
        return setProblem('Ping interval must be a number of seconds (≥ 0.01)');
      request.pingIntervalMs = ms;
    }
    setProblem(null);
    setBusy(true);
    await connect(request);
    setBusy(false);
  };

  return (
    <form className="connect-form" aria-label="Connect" onSubmit={(e) => void submit(e)}>
      <div className="connect-row">
        <input
          type="text"
          aria-label="WebSocket URL"
          data-testid="connect-url"
          placeholder="ws://host:port/path"
          spellCheck={false}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
        <button type="submit" className="primary" data-testid="connect-button" disabled={busy}>
          Connect
        </button>
      </div>
      <details className="connect-options">
        <summary data-testid="connect-options">Options</summary>
        <label>
          Headers <span className="hint">one “Name: value” per line</span>
          <textarea
            aria-label="Request headers"
            data-testid="connect-headers"
            rows={3}
            spellCheck={false}
            value={headerText}
            onChange={(e) => setHeaderText(e.target.value)}
          />
        </label>
        <label>
          Subprotocols <span className="hint">comma separated</span>
          <input
            type="text"
            aria-label="Subprotocols"
            data-testid="connect-protocols"
            spellCheck={false}
            value={protocols}
            onChange={(e) => setProtocols(e.target.value)}
          />
        </label>
        <label>
          Ping every <span className="hint">seconds, empty = never</span>
          <input
            type="text"
            inputMode="decimal"
            aria-label="Ping interval in seconds"
            data-testid="connect-ping"
            value={pingSeconds}
            onChange={(e) => setPingSeconds(e.target.value)}
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="connect-insecure"
            checked={insecure}
            onChange={(e) => setInsecure(e.target.checked)}
          />
          Accept invalid TLS certificates
        </label>
      </details>
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
