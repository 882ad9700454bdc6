import { useState } from 'react';
import type { HeldMessage } from '../../../../shared/api/contract.js';
import { base64ToBytes, decodeUtf8, formatSize, hexDump } from '../../format/bytes.js';
import { editRequest, editStart, type EditKind } from '../../ui/breakpoint-form.js';
import { useInspector } from '../../ui/store-context.js';
import { useNow } from '../../ui/use-now.js';
import { connKey, LIVE_SOURCE } from '../../store/keys.js';
import './breakpoints.css';

const OPCODE_NAMES: Record<number, string> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

function payloadText(held: HeldMessage): string {
  const bytes = base64ToBytes(held.base64);
  const text = held.opcode === 2 ? hexDump(bytes, 4096) : decodeUtf8(bytes.subarray(0, 64 * 1024));
  return held.truncated ? `${text}\n… (${formatSize(held.size)} in all)` : text;
}

function EditForm({ held, onDone }: { held: HeldMessage; onDone: () => void }) {
  const release = useInspector((s) => s.releaseHeld);
  const [start] = useState(() => editStart(held));
  const [kind, setKind] = useState<EditKind>(start.kind);
  const [data, setData] = useState(start.data);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    const built = editRequest(held.id, kind, data);
    if ('error' in built) return setProblem(built.error);
    setProblem(null);
    if (await release(built.request)) onDone();
  };
  return (
    <form
      className="held-edit"
      aria-label="Edit the held message"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <select
        aria-label="Edited message kind"
        data-testid="held-edit-kind"
        value={kind}
        onChange={(e) => setKind(e.target.value as EditKind)}
      >
        <option value="text">Text</option>
        <option value="json">JSON</option>
        <option value="binary">Binary (hex)</option>
      </select>
      <textarea
        aria-label="Edited message"
        data-testid="held-edit-data"
        rows={4}
        spellCheck={false}
        value={data}
        onChange={(e) => setData(e.target.value)}
      />
      <span className="held-actions">
        <button type="submit" className="small" data-testid="held-edit-send">
          Forward edited
        </button>
        <button type="button" className="small" onClick={onDone}>
          Cancel
        </button>
      </span>
      {problem && (
        <span className="form-problem" role="alert" data-testid="held-edit-problem">
          {problem}
        </span>
      )}
    </form>
  );
}

function HeldItem({ held, now }: { held: HeldMessage; now: number }) {
  const release = useInspector((s) => s.releaseHeld);
  const select = useInspector((s) => s.select);
  const [editing, setEditing] = useState(false);
  const left = Math.max(0, Math.ceil((held.timeoutAt - now) / 1000));
  return (
    <li className="held-item" data-testid="held-item">
      <span className="held-line">
        <span className={`held-direction held-${held.direction}`}>
          {held.direction === 'c2s' ? '↑ to the server' : '↓ to the client'}
        </span>
        <button
          type="button"
          className="link-button"
          title={held.url}
          data-testid="held-conn"
          onClick={() => select(connKey(LIVE_SOURCE, held.conn))}
        >
          {held.conn} {held.url}
        </button>
      </span>
      <span className="held-meta">
        {OPCODE_NAMES[held.opcode] ?? `opcode ${held.opcode}`}, {formatSize(held.size)}
        {held.compressed ? ', compressed' : ''} · rule: {held.rule}
      </span>
      <span className="held-meta" data-testid="held-queued">
        {held.queued === 0
          ? 'nothing waits behind it'
          : `${held.queued} message${held.queued === 1 ? '' : 's'} waiting behind it`}{' '}
        · {held.onTimeout === 'forward' ? 'forwarded' : 'dropped'} in {left} s
      </span>
      <pre className="held-payload" data-testid="held-payload">
        {payloadText(held)}
      </pre>
      {editing ? (
        <EditForm held={held} onDone={() => setEditing(false)} />
      ) : (
        <span className="held-actions">
          <button
            type="button"
            className="small"
            data-testid="held-forward"
            onClick={() => void release({ id: held.id, action: 'forward' })}
          >
            Forward
          </button>
          {held.opcode < 8 && (
            <button
              type="button"
              className="small"
              data-testid="held-edit"
              disabled={held.truncated}
              title={
                held.truncated ? `Too large to edit here (${formatSize(held.size)}; up to 1 MiB)` : undefined
              }
              onClick={() => setEditing(true)}
            >
              Edit…
            </button>
          )}
          <button
            type="button"
            className="small"
            data-testid="held-drop"
            onClick={() => void release({ id: held.id, action: 'drop' })}
          >
            Drop
          </button>
        </span>
      )}
    </li>
  );
}

/** Messages the proxies' breakpoints hold: each with its connection, what waits behind it, forward / edit / drop. */
export function HeldMessages() {
  const held = useInspector((s) => s.held);
  return held.length === 0 ? null : <HeldList held={held} />;
}

/** Mounted while something is held, so its clock starts fresh. */
function HeldList({ held }: { held: HeldMessage[] }) {
  const now = useNow(true);
  return (
    <section className="held-panel" aria-label="Held messages" data-testid="held-panel">
      <h2>
        Held message{held.length === 1 ? '' : 's'} ({held.length})
      </h2>
      <ul>
        {held.map((h) => (
          <HeldItem key={h.id} held={h} now={now} />
        ))}
      </ul>
    </section>
  );
}
