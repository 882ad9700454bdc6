export function EmptyState() {
  return (
    <div className="empty-state" data-testid="empty-state">
      <h2>No connections yet</h2>
      <ol>
        <li>
          Type a WebSocket URL (<code>ws://</code> or <code>wss://</code>) in the box on the left and press{' '}
          <b>Connect</b>. Headers, subprotocols, credentials, a heartbeat and reconnecting are under{' '}
          <b>Options</b>.
        </li>
        <li>Every frame in both directions appears here, with its header bits, sizes and timing.</li>
        <li>
          To watch another program’s traffic instead, start a reverse or forward proxy under <b>Proxy</b> and
          point the program at it.
        </li>
        <li>
          Or press <b>Open session…</b> to look at a recorded session file (read-only).
        </li>
      </ol>
    </div>
  );
}
