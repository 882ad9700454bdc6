import { useState } from 'react';
import type { FormEvent } from 'react';
import type { ProxyInfo, StartProxyRequest } from '../../../shared/api/contract.js';
import { EMPTY_PROXY_FAULTS_FORM, proxyFaultsFromForm } from '../ui/fault-form.js';
import { useInspector } from '../ui/store-context.js';
import { BreakpointsEditor } from './breakpoints/BreakpointsEditor.js';
import { CopyButton } from './CopyButton.js';
import { ProxyFaultsFields } from './faults/ProxyFaultsFields.js';

/** ", refused: 2 at the limit, 5 stalled, 1 outside loopback", or '' when none were. */
function refusedText(refused: ProxyInfo['refused']): string {
  if (!refused) return '';
  const parts = [
    refused.full ? `${refused.full} at the limit` : '',
    refused.stalled ? `${refused.stalled} stalled before their request head` : '',
    refused.remote ? `${refused.remote} outside loopback` : '',
  ].filter(Boolean);
  return parts.length > 0 ? `, refused: ${parts.join(', ')}` : '';
}

function ProxyItem({ proxy }: { proxy: ProxyInfo }) {
  const stopProxy = useInspector((s) => s.stopProxy);
  return (
    <li className="proxy-item" data-testid="proxy-item">
      <span className="proxy-line">
        <span className={`state-badge ${proxy.active ? 'state-open' : 'state-failed'}`}>
          {proxy.active ? proxy.mode : 'stopped'}
        </span>
        <code title="listening on">{proxy.address}</code>
        <button
          type="button"
          className="small"
          onClick={() => void stopProxy(proxy.id)}
          data-testid="proxy-stop"
        >
          Stop
        </button>
      </span>
      {proxy.target && <span className="proxy-meta">→ {proxy.target}</span>}
      <span className="proxy-meta">
        {proxy.connections} connection{proxy.connections === 1 ? '' : 's'}
        {refusedText(proxy.refused)}
      </span>
      {proxy.caCertPath && proxy.active && (
        <span className="proxy-meta" data-testid="proxy-ca">
          wss:// is intercepted with certificates from the inspector’s CA: clients must trust{' '}
          <code>{proxy.caCertPath}</code> (Node: <code>NODE_EXTRA_CA_CERTS</code>, curl: <code>--cacert</code>
          ); a client that does not shows a failed connection with the fix.{' '}
          <CopyButton label="path" text={() => proxy.caCertPath ?? ''} testId="proxy-ca-copy" />
        </span>
      )}
      {proxy.error && <span className="form-problem">{proxy.error}</span>}
    </li>
  );
}

/** Desktop app only: open a browser window whose traffic the inspector records through its forward proxy. */
function InspectedBrowser() {
  const shell = useInspector((s) => s.shell);
  const open = useInspector((s) => s.openInspectedBrowser);
  const [url, setUrl] = useState('https://');
  if (shell !== 'electron') {
    return (
      <p className="hint">
        In the desktop app you can also open a browser window whose WebSocket traffic goes through a forward
        proxy here. In a browser, start a forward proxy and set it as the browser’s HTTP proxy.
      </p>
    );
  }
  return (
    <form
      aria-label="Open an inspected browser"
      onSubmit={(e) => {
        e.preventDefault();
        void open(url.trim());
      }}
    >
      <label>
        Inspected browser <span className="hint">a window whose traffic is recorded</span>
        <input
          type="text"
          data-testid="inspected-url"
          spellCheck={false}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <button type="submit" data-testid="inspected-open">
        Open window
      </button>
    </form>
  );
}

/** Start a reverse proxy (in front of one ws:// target) or a forward proxy; its connections appear in the list. */
export function ProxyPanel() {
  const proxies = useInspector((s) => s.proxies);
  const startProxy = useInspector((s) => s.startProxy);
  const [mode, setMode] = useState<'reverse' | 'forward'>('reverse');
  const [target, setTarget] = useState('');
  const [port, setPort] = useState('');
  const [insecure, setInsecure] = useState(false);
  const [faultsForm, setFaultsForm] = useState(EMPTY_PROXY_FAULTS_FORM);
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const request: StartProxyRequest = { mode };
    if (mode === 'reverse') {
      if (!/^wss?:\/\//i.test(target.trim())) return setProblem('The target must start with ws:// or wss://');
      request.target = target.trim();
    }
    if (port.trim()) {
      const n = Number(port);
      if (!Number.isInteger(n) || n < 0 || n > 65_535)
        return setProblem('Port must be 0–65535 (empty = any free port)');
      request.listenPort = n;
    }
    if (insecure) request.insecure = true;
    const faults = proxyFaultsFromForm(faultsForm);
    if ('error' in faults) return setProblem(faults.error);
    if (faults.faults) request.faults = faults.faults;
    setProblem(null);
    await startProxy(request);
  };

  return (
    <details className="proxy-panel">
      <summary data-testid="proxy-options">Proxy{proxies.length ? ` (${proxies.length})` : ''}</summary>
      <form aria-label="Start a proxy" onSubmit={(e) => void submit(e)}>
        <label>
          Mode
          <select
            data-testid="proxy-mode"
            value={mode}
            onChange={(e) => setMode(e.target.value as 'reverse' | 'forward')}
          >
            <option value="reverse">Reverse (in front of one target)</option>
            <option value="forward">Forward (HTTP proxy, CONNECT)</option>
          </select>
        </label>
        {mode === 'reverse' && (
          <label>
            Target
            <input
              type="text"
              data-testid="proxy-target"
              placeholder="ws://server:port"
              spellCheck={false}
              value={target}
              onChange={(e) => setTarget(e.target.value)}
            />
          </label>
        )}
        <label>
          Listen port <span className="hint">on 127.0.0.1, empty = any free port</span>
          <input
            type="text"
            inputMode="numeric"
            data-testid="proxy-port"
            value={port}
            onChange={(e) => setPort(e.target.value)}
          />
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={insecure} onChange={(e) => setInsecure(e.target.checked)} />
          Accept invalid upstream TLS certificates
        </label>
        <ProxyFaultsFields form={faultsForm} onChange={setFaultsForm} />
        <button type="submit" data-testid="proxy-start">
          Start proxy
        </button>
        {problem && (
          <p className="form-problem" role="alert">
            {problem}
          </p>
        )}
      </form>
      <BreakpointsEditor />
      <InspectedBrowser />
      {proxies.length > 0 && (
        <ul className="proxy-list" aria-label="Proxies">
          {proxies.map((proxy) => (
            <ProxyItem key={proxy.id} proxy={proxy} />
          ))}
        </ul>
      )}
    </details>
  );
}
