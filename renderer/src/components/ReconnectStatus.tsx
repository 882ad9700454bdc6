import { formatDuration } from '../format/time.js';
import type { ConnectionView } from '../store/connection-view.js';
import { useInspector } from '../ui/store-context.js';

/** What the core's reconnect chain decided after this connection ended, with a way to stop it. */
export function ReconnectStatus({ view }: { view: ConnectionView }) {
  const notice = useInspector((s) => s.reconnects[view.key]);
  const stopReconnect = useInspector((s) => s.stopReconnect);
  if (!notice) return null;
  const text =
    notice.state === 'scheduled'
      ? `Reconnect attempt ${notice.attempt} scheduled${notice.delayMs !== undefined ? ` after ${formatDuration(notice.delayMs)}` : ''}.`
      : notice.state === 'stopped'
        ? 'Reconnecting was stopped.'
        : `Gave up reconnecting after ${notice.attempt} attempt${notice.attempt === 1 ? '' : 's'}.`;
  return (
    <span className="header-alert" data-testid="reconnect-status">
      {text}{' '}
      {notice.state === 'scheduled' && (
        <button
          type="button"
          className="small"
          data-testid="stop-reconnect"
          onClick={() => void stopReconnect(view.key)}
        >
          Stop reconnecting
        </button>
      )}
    </span>
  );
}
