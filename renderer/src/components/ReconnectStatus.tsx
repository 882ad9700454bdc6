import { useMemo } from 'react';
import type { ConnectionView } from '../store/connection-view.js';
import { LIVE_SOURCE } from '../store/keys.js';
import { chainRoot, chainStatus } from '../ui/reconnect-state.js';
import { useInspector } from '../ui/store-context.js';

/**
 * The reconnect chain's real state on each of its connections (scheduled, which attempt is open, gave up, stopped),
 * "Stop reconnecting" only while the chain may still reconnect, and "Connect again" on an ended connection of ours.
 */
export function ReconnectStatus({ view }: { view: ConnectionView }) {
  const connections = useInspector((s) => s.connections);
  const root = useMemo(() => chainRoot(view, connections), [view, connections]);
  const notice = useInspector((s) => s.reconnects[root]);
  const request = useInspector((s) => s.connectRequests[root]);
  const stopReconnect = useInspector((s) => s.stopReconnect);
  const connect = useInspector((s) => s.connect);
  const select = useInspector((s) => s.select);
  const status = useMemo(() => {
    if (!notice) return null;
    const prefix = `${view.source}/`;
    const sameSource = Object.values(connections).filter((other) => other.key.startsWith(prefix));
    return chainStatus(view, notice, sameSource);
  }, [view, notice, connections]);

  const ended = view.state === 'closed' || view.state === 'failed';
  const canConnectAgain =
    ended && !view.readOnly && view.source === LIVE_SOURCE && view.mode === 'client' && !status?.active;
  if (!status && !canConnectAgain) return null;
  return (
    <span className="reconnect-status" data-testid="reconnect-status">
      {status && <span data-testid="reconnect-chain-state">{status.text}</span>}
      {status?.latest && (
        <button
          type="button"
          className="small"
          data-testid="show-latest-attempt"
          onClick={() => status.latest && select(status.latest)}
        >
          Show latest attempt
        </button>
      )}
      {status?.active && (
        <button
          type="button"
          className="small"
          data-testid="stop-reconnect"
          onClick={() => void stopReconnect(view.key)}
        >
          Stop reconnecting
        </button>
      )}
      {canConnectAgain && (
        <button
          type="button"
          className="small"
          data-testid="connect-again"
          title={request ? 'Connect with the same URL and options' : 'Connect to the same URL'}
          onClick={() => void connect(request ?? { url: view.url })}
        >
          Connect again
        </button>
      )}
    </span>
  );
}
