import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import type { ConnectFields } from '../ui/connect-request.js';
import { buildConnectRequest, buildStormRequest, emptyConnectFields } from '../ui/connect-request.js';
import { useInspector } from '../ui/store-context.js';

type Update = <K extends keyof ConnectFields>(key: K, value: ConnectFields[K]) => void;

function Field({ label, hint, children }: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label>
      <span>
        {label} {hint && <span className="hint">{hint}</span>}
      </span>
      {children}
    </label>
  );
}

function TextInput({
  id,
  value,
  onChange,
  label,
  type = 'text',
}: {
  id: string;
  value: string;
  onChange: (v: string) => void;
  label: string;
  type?: 'text' | 'password';
}) {
  return (
    <input
      type={type}
      aria-label={label}
      data-testid={id}
      spellCheck={false}
      autoComplete="off"
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function AuthFields({ f, update }: { f: ConnectFields; update: Update }) {
  return (
    <>
      <Field label="Credentials">
        <select
          aria-label="Credentials"
          data-testid="connect-auth"
          value={f.authKind}
          onChange={(e) => update('authKind', e.target.value as ConnectFields['authKind'])}
        >
          <option value="none">None</option>
          <option value="bearer">Bearer token (Authorization header)</option>
          <option value="basic">Basic (user and password)</option>
          <option value="query">Query parameter (?name=value)</option>
        </select>
      </Field>
      {f.authKind === 'bearer' && (
        <Field label="Token">
          <TextInput
            id="connect-token"
            label="Bearer token"
            type="password"
            value={f.token}
            onChange={(v) => update('token', v)}
          />
        </Field>
      )}
      {f.authKind === 'basic' && (
        <div className="field-pair">
          <Field label="User">
            <TextInput id="connect-user" label="User" value={f.user} onChange={(v) => update('user', v)} />
          </Field>
          <Field label="Password">
            <TextInput
              id="connect-password"
              label="Password"
              type="password"
              value={f.password}
              onChange={(v) => update('password', v)}
            />
          </Field>
        </div>
      )}
      {f.authKind === 'query' && (
        <div className="field-pair">
          <Field label="Name">
            <TextInput
              id="connect-query-name"
              label="Query parameter name"
              value={f.queryName}
              onChange={(v) => update('queryName', v)}
            />
          </Field>
          <Field label="Value">
            <TextInput
              id="connect-query-value"
              label="Query parameter value"
              type="password"
              value={f.queryValue}
              onChange={(v) => update('queryValue', v)}
            />
          </Field>
        </div>
      )}
    </>
  );
}

function HeartbeatFields({ f, update }: { f: ConnectFields; update: Update }) {
  return (
    <>
      <Field label="Heartbeat">
        <select
          aria-label="Heartbeat"
          data-testid="connect-heartbeat"
          value={f.heartbeatKind}
          onChange={(e) => update('heartbeatKind', e.target.value as ConnectFields['heartbeatKind'])}
        >
          <option value="none">None</option>
          <option value="ping">Protocol ping</option>
          <option value="message">Text message</option>
        </select>
      </Field>
      {f.heartbeatKind !== 'none' && (
        <div className="field-pair">
          <Field label="Every" hint="seconds">
            <TextInput
              id="connect-heartbeat-seconds"
              label="Heartbeat interval in seconds"
              value={f.heartbeatSeconds}
              onChange={(v) => update('heartbeatSeconds', v)}
            />
          </Field>
          <Field
            label={f.heartbeatKind === 'ping' ? 'Payload' : 'Message'}
            hint={f.heartbeatKind === 'ping' ? 'optional' : undefined}
          >
            <TextInput
              id="connect-heartbeat-message"
              label="Heartbeat payload"
              value={f.heartbeatMessage}
              onChange={(v) => update('heartbeatMessage', v)}
            />
          </Field>
        </div>
      )}
      {f.heartbeatKind === 'ping' && (
        <div className="field-pair">
          <Field label="Pong timeout" hint="seconds, optional">
            <TextInput
              id="connect-pong-timeout"
              label="Pong timeout in seconds"
              value={f.pongTimeoutSeconds}
              onChange={(v) => update('pongTimeoutSeconds', v)}
            />
          </Field>
          <Field label="Then">
            <select
              aria-label="On pong timeout"
              data-testid="connect-pong-timeout-action"
              value={f.pongTimeoutAction}
              onChange={(e) =>
                update('pongTimeoutAction', e.target.value as ConnectFields['pongTimeoutAction'])
              }
            >
              <option value="close">Drop the connection</option>
              <option value="report">Only record it</option>
            </select>
          </Field>
        </div>
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="connect-no-auto-pong"
          checked={!f.autoPong}
          onChange={(e) => update('autoPong', !e.target.checked)}
        />
        Never answer the server’s pings
      </label>
    </>
  );
}

function ReconnectFields({ f, update }: { f: ConnectFields; update: Update }) {
  return (
    <>
      <label className="checkbox">
        <input
          type="checkbox"
          data-testid="connect-reconnect"
          checked={f.reconnect}
          onChange={(e) => update('reconnect', e.target.checked)}
        />
        Reconnect after an abnormal end
      </label>
      {f.reconnect && (
        <div className="field-triple">
          <Field label="First" hint="s">
            <TextInput
              id="connect-reconnect-first"
              label="First reconnect delay in seconds"
              value={f.reconnectInitialSeconds}
              onChange={(v) => update('reconnectInitialSeconds', v)}
            />
          </Field>
          <Field label="Max" hint="s">
            <TextInput
              id="connect-reconnect-max"
              label="Longest reconnect delay in seconds"
              value={f.reconnectMaxSeconds}
              onChange={(v) => update('reconnectMaxSeconds', v)}
            />
          </Field>
          <Field label="Attempts">
            <TextInput
              id="connect-reconnect-attempts"
              label="Maximum reconnect attempts"
              value={f.reconnectMaxAttempts}
              onChange={(v) => update('reconnectMaxAttempts', v)}
            />
          </Field>
        </div>
      )}
    </>
  );
}

function StormFields({ f, update, onStart }: { f: ConnectFields; update: Update; onStart: () => void }) {
  return (
    <details className="connect-options storm">
      <summary data-testid="storm-options">Load test (storm)</summary>
      <p className="hint">
        Opens many connections to the URL above with the same headers, subprotocols and credentials.
      </p>
      <div className="field-pair">
        <Field label="Connections">
          <TextInput
            id="storm-count"
            label="Number of connections"
            value={f.stormCount}
            onChange={(v) => update('stormCount', v)}
          />
        </Field>
        <Field label="At once" hint="default 50">
          <TextInput
            id="storm-concurrency"
            label="Connections in progress at once"
            value={f.stormConcurrency}
            onChange={(v) => update('stormConcurrency', v)}
          />
        </Field>
        <Field label="Every" hint="ms">
          <TextInput
            id="storm-interval"
            label="Milliseconds between starts"
            value={f.stormIntervalMs}
            onChange={(v) => update('stormIntervalMs', v)}
          />
        </Field>
        <Field label="Hold" hint="s">
          <TextInput
            id="storm-hold"
            label="Seconds each connection stays open"
            value={f.stormHoldSeconds}
            onChange={(v) => update('stormHoldSeconds', v)}
          />
        </Field>
      </div>
      <button type="button" data-testid="storm-start" onClick={onStart}>
        Start storm
      </button>
    </details>
  );
}

export function ConnectForm() {
  const connect = useInspector((s) => s.connect);
  const storm = useInspector((s) => s.storm);
  const [fields, setFields] = useState<ConnectFields>(emptyConnectFields);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const update: Update = (key, value) => setFields((f) => ({ ...f, [key]: value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const built = buildConnectRequest(fields);
    if ('error' in built) return setProblem(built.error);
    setProblem(null);
    setBusy(true);
    await connect(built.request);
    setBusy(false);
  };

  const startStorm = async () => {
    const built = buildStormRequest(fields);
    if ('error' in built) return setProblem(built.error);
    setProblem(null);
    await storm(built.request);
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
          value={fields.url}
          onChange={(e) => update('url', e.target.value)}
        />
        <button type="submit" className="primary" data-testid="connect-button" disabled={busy}>
          Connect
        </button>
      </div>
      <details className="connect-options">
        <summary data-testid="connect-options">Options</summary>
        <Field label="Headers" hint="one “Name: value” per line">
          <textarea
            aria-label="Request headers"
            data-testid="connect-headers"
            rows={3}
            spellCheck={false}
            value={fields.headers}
            onChange={(e) => update('headers', e.target.value)}
          />
        </Field>
        <Field label="Subprotocols" hint="comma separated">
          <TextInput
            id="connect-protocols"
            label="Subprotocols"
            value={fields.protocols}
            onChange={(v) => update('protocols', v)}
          />
        </Field>
        <AuthFields f={fields} update={update} />
        <HeartbeatFields f={fields} update={update} />
        <ReconnectFields f={fields} update={update} />
        <label className="checkbox">
          <input
            type="checkbox"
            data-testid="connect-insecure"
            checked={fields.insecure}
            onChange={(e) => update('insecure', e.target.checked)}
          />
          Accept invalid TLS certificates
        </label>
      </details>
      <StormFields f={fields} update={update} onStart={() => void startStorm()} />
      {problem && (
        <p className="form-problem" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}
